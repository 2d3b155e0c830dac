// The facts cache as the CLI uses it: on unless `--no-cache`, in the OS cache folder
// (ENDPOINT_PROFILER_CACHE_DIR overrides it), for this build of the tool.
import { defaultCacheDir, FactsCache } from '../core/factsCache';
import { toolVersion } from '../core/toolVersion';
import { VERSION } from './main';

export function openCache(root: string, enabled: boolean): Promise<FactsCache | undefined> {
  return enabled ? FactsCache.open(defaultCacheDir(), root, toolVersion(VERSION)) : Promise.resolve(undefined);
}
