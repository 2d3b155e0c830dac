// Placeholder until the load verb lands.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('endpoint-profiler load: not built yet\n');
  return 2;
}
