// HTTP knowledge every language's readers share. Keep this file tiny: readers of Python and of
// Node both import it.

/** The methods frameworks register routes by, lower case as in `app.get` / `router.post`. */
export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/**
 * The methods Node routers register routes with (`app.get`, `router.delete`, Express/Koa `all`): discovery reads
 * routes from them and analysis the middleware between a route's path and its handler.
 */
export const NODE_ROUTE_METHODS: ReadonlySet<string> = new Set([...HTTP_METHODS, 'all']);
