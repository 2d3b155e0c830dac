// Injected into the Node bundles: the file URL that import.meta.url stands for.
export const __bundleFileUrl = require('node:url').pathToFileURL(__filename).href;
