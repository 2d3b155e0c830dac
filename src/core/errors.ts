// What a caught value says, for messages a user or a log reads: an Error's message, anything else as a string.

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The first line only: notifications and one-line CLI errors, never a stack or a multi-line dump. */
export function errorLine(err: unknown): string {
  return errorMessage(err).split('\n')[0];
}
