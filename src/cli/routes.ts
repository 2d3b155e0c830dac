// Placeholder until the routes verb lands.
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('endpoint-profiler routes: not built yet\n');
  return 2;
}
