// Placeholder until the check verb lands.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('endpoint-profiler check: not built yet\n');
  return 2;
}
