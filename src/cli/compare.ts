// Placeholder until the compare verb lands.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('endpoint-profiler compare: not built yet\n');
  return 2;
}
