// TypeScript syntax that holds types only: no value, call, function or binding any reader of a file needs.

/**
 * Node types whose whole subtree is a type (`: T`, `<T>`, `interface …`, `type X = …`): the fact walks of
 * discovery and analysis do not descend into them (a tenth of a TypeScript server's nodes). A comment inside one
 * can still matter (an `endpoint-profiler-ignore`), so analysis walks them in a file that has such a comment.
 */
export const TYPE_ONLY = new Set([
  'type_annotation',
  'type_arguments',
  'type_parameters',
  'interface_declaration',
  'type_alias_declaration',
]);
