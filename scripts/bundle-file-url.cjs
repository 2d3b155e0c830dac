// Injected into the Node bundles: the file URL that import.meta.url stands for.
const { pathToFileURL } = require('node:url');
exports.__bundleFileUrl = pathToFileURL(__filename).href;
