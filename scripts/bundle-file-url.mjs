// Injected into the Node bundles: the file URL that import.meta.url stands for.
// esbuild injects only ES module exports, so this stays ESM although the bundles are CommonJS.
import { pathToFileURL } from 'node:url';

export const __bundleFileUrl = pathToFileURL(__filename).href;
