// code-server 4.100.3 (VS Code 1.100.3 with a real Node extension host), installed outside
// the repo by scripts/setup-code-server.sh: install a .vsix into fresh dirs and serve a folder.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../fixtures/servers/ports';
import { startLogged, waitForPort, type Started } from './processes';

const VERSION = '4.100.3';

/** The code-server entry point; throws (never skips) when the setup script has not run. */
export function codeServerEntry(): string {
  const dir = process.env.EP_CODE_SERVER_DIR ?? path.join(os.homedir(), '.cache/endpoint-profiler/code-server');
  const entry = path.join(dir, 'node_modules/code-server/out/node/entry.js');
  if (!existsSync(path.join(dir, `.complete-${VERSION}`)) || !existsSync(entry)) {
    throw new Error(
      `code-server ${VERSION} is not installed in ${dir}: run \`bash scripts/setup-code-server.sh\` first (.ci/run does this before npm test)`,
    );
  }
  return entry;
}

export interface Profile {
  extensionsDir: string;
  userDataDir: string;
}

/** A fresh VS Code profile with the .vsix installed through code-server's own CLI. */
export async function installExtension(
  entry: string,
  vsix: string,
  root: string,
  settings: Record<string, unknown>,
): Promise<Profile> {
  const profile = { extensionsDir: path.join(root, 'extensions'), userDataDir: path.join(root, 'user-data') };
  mkdirSync(path.join(profile.userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(profile.userDataDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      entry,
      '--extensions-dir',
      profile.extensionsDir,
      '--user-data-dir',
      profile.userDataDir,
      '--install-extension',
      vsix,
    ],
    { timeout: 120_000 },
  );
  if (!/successfully installed/i.test(stdout + stderr))
    throw new Error(`installing ${vsix} failed:\n${stdout}\n${stderr}`);
  return profile;
}

export interface CodeServer extends Started {
  url: string;
}

export async function serve(entry: string, profile: Profile, folder: string, logFile: string): Promise<CodeServer> {
  const port = await freePort();
  const started = startLogged(
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--extensions-dir',
      profile.extensionsDir,
      '--user-data-dir',
      profile.userDataDir,
      folder,
    ],
    { cwd: folder, logFile },
  );
  await waitForPort(port, started, 60_000);
  return { ...started, url: `http://127.0.0.1:${port}/` };
}
