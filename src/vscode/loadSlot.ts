// One load at a time in a window, whichever command starts it (Profile Endpoint, Sweep Endpoint,
// Compare Server Configurations): two at once would share the machine and skew each other's
// figures. A command takes the slot before its load starts and releases it when the load ends.
import * as vscode from 'vscode';

export interface LoadHolder {
  /** "profiling GET /items", "sweeping GET /blocking": what the message says is running. */
  what: string;
  cancel(): void;
}

let holder: LoadHolder | undefined;

/** Who holds the slot now, if anyone. */
export function loadInProgress(): LoadHolder | undefined {
  return holder;
}

/** Takes the slot; false when another load holds it. */
export function takeLoadSlot(h: LoadHolder): boolean {
  if (holder && holder !== h) return false;
  holder = h;
  return true;
}

export function releaseLoadSlot(h: LoadHolder): void {
  if (holder === h) holder = undefined;
}

/**
 * True when no other command's load runs. Otherwise says what runs, offering to cancel it, and
 * returns false at once (synchronously, so two invocations cannot both pass before one takes the slot).
 */
export function othersIdle(): boolean {
  const h = holder;
  if (!h) return true;
  const cancel = 'Cancel It';
  void vscode.window
    .showWarningMessage(
      `Endpoint Profiler is already ${h.what}. One load at a time, so runs do not skew each other's figures: wait for it, or cancel it and start again.`,
      cancel,
    )
    .then(
      (answer) => {
        if (answer === cancel && holder === h) h.cancel();
      },
      () => undefined,
    );
  return false;
}
