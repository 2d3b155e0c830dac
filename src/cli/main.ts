// Verb dispatch and the top-level help. Each verb lives in its own module and returns
// an exit code: 0 ok, 1 failure (or findings, for `check`), 2 usage error.
import packageJson from '../../package.json';
import { disableInlining } from './v8Flags';

export type Verb = (argv: string[]) => Promise<number>;

const VERBS: Record<string, { summary: string; load: () => Promise<Verb> }> = {
  routes: {
    summary: 'list the HTTP route handlers in a workspace',
    load: async () => {
      disableInlining();
      return (await import('./routes')).run;
    },
  },
  check: {
    summary: 'flag blocking calls that run on the event loop',
    load: async () => {
      disableInlining();
      return (await import('./check')).run;
    },
  },
  load: {
    summary: 'send concurrent load to one URL and report latency',
    load: async () => (await import('./load')).run,
  },
  compare: { summary: 'compare two or more run files', load: async () => (await import('./compare')).run },
  sweep: {
    summary: 'load one URL at rising concurrency: serialises, scales or saturates?',
    load: async () => (await import('./sweep')).run,
  },
  matrix: {
    summary: 'start each server command, sweep one path, rank the configurations',
    load: async () => (await import('./matrix')).run,
  },
};

export function usage(): string {
  const lines = Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(9)} ${v.summary}`);
  return `Usage: endpoint-profiler <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'endpoint-profiler <command> --help' for a command's options.\n`;
}

export async function runVerb(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const verb = VERBS[name];
  if (!verb) {
    process.stderr.write(`endpoint-profiler: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await verb.load())(rest);
}

// package.json is the one source of the version; the bundler inlines it.
export const VERSION: string = packageJson.version;
