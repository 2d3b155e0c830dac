// Which NestJS app serves a controller, where a workspace makes several apps (`NestFactory.create(AppModule)` in
// main.ts, `NestFactory.create(CollabAppModule)` in collab-main.ts) whose global prefix or versioning differ: the
// apps whose root module reaches the controller's module through `@Module({ imports })`. With one app's settings
// (or none) every controller takes them, as before.
import type { WorkspaceFile } from '../../workspace';
import type { NodeRouteFacts } from './facts';

type LinkedFile = { file: WorkspaceFile; facts: NodeRouteFacts };

/** One app's path settings: the file that sets its global prefix, and the one that enables URI versioning. */
export interface NestSetup {
  setter?: LinkedFile;
  versioner?: LinkedFile;
}

const MAX_MODULES = 10_000;

/**
 * The apps' settings, and for a controller (`file#Class`) the apps that serve it: undefined when there is one
 * set of settings for all, [] when no app's module graph is known to reach it.
 */
export function nestSetups(
  files: ReadonlyArray<LinkedFile>,
  classOf: (file: string, name: string) => string | undefined,
): { setups: NestSetup[]; appsOf: (controller: string) => NestSetup[] | undefined } {
  const setters = files.filter((f) => f.facts.globalPrefix !== undefined);
  const versioners = files.filter((f) => f.facts.uriVersioning !== undefined);
  if (setters.length <= 1 && versioners.length <= 1)
    return { setups: [{ setter: setters[0], versioner: versioners[0] }], appsOf: () => undefined };

  const modules = new Map<string, { file: string; imports: string[]; controllers: string[] }>();
  for (const { file, facts } of files)
    for (const m of facts.nestModules ?? [])
      modules.set(`${file.path}#${m.className}`, {
        file: file.path,
        imports: m.imports ?? [],
        controllers: m.controllers,
      });
  /** Controllers an app of this root module serves: its module's, and those of every module imported on the way. */
  const served = (file: string, root: string): Set<string> => {
    const out = new Set<string>();
    const seen = new Set<string>();
    const start = classOf(file, root);
    const queue = start === undefined ? [] : [start];
    while (queue.length > 0 && seen.size < MAX_MODULES) {
      const key = queue.pop()!;
      const module = modules.get(key);
      if (seen.has(key) || !module) continue;
      seen.add(key);
      for (const c of module.controllers) {
        const controller = classOf(module.file, c);
        if (controller !== undefined) out.add(controller);
      }
      for (const i of module.imports) {
        const imported = classOf(module.file, i);
        if (imported !== undefined) queue.push(imported);
      }
    }
    return out;
  };

  const apps = [...new Set([...setters, ...versioners])].map((f) => ({
    setup: {
      ...(f.facts.globalPrefix !== undefined ? { setter: f } : {}),
      ...(f.facts.uriVersioning !== undefined ? { versioner: f } : {}),
    },
    controllers: (f.facts.nestRoots ?? []).map((root) => served(f.file.path, root)),
  }));
  return {
    setups: apps.map((a) => a.setup),
    appsOf: (controller) => apps.filter((a) => a.controllers.some((c) => c.has(controller))).map((a) => a.setup),
  };
}
