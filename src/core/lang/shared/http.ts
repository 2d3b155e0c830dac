// HTTP knowledge every language's readers share. Keep this file tiny: readers of Python and of
// Node both import it.

/** The methods frameworks register routes by, lower case as in `app.get` / `router.post`. */
export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
