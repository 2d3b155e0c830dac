// Python route discovery: extract (one file → plain facts) and link (all facts → routes).
export type { PythonRouteFacts } from './facts';
export { extractPythonRouteFacts } from './extract';
export { linkPythonRoutes, PythonLinkCache } from './link';
