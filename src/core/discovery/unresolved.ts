// "Never confidently wrong": a path, prefix or mount that discovery cannot evaluate is kept, with the
// unevaluated part written as `{<expression text>?}` (`{settings.API_PREFIX?}/items`), and the route is
// marked `unresolved` with the reason. Both Python and Node discovery write placeholders with
// `placeholder()` and finish their routes with `unresolvedFields()`.

/** A placeholder in a path: `{…?}` (no braces inside). */
const PLACEHOLDER = /\{([^{}]*)\?\}/g;
const MAX_TEXT = 80;

/** The placeholder for an expression discovery could not evaluate, from its source text. */
export function placeholder(source: string): string {
  let text = source.replace(/\s+/g, ' ').replace(/[{}]/g, '').trim() || '…';
  if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 1)}…`;
  return `{${text}?}`;
}

/**
 * The text of the placeholder for the prefix of a router included nowhere discovery can follow. Two words, so
 * it can never be the source text of an expression (a variable named `prefix` is common and has its own reason).
 */
export const UNKNOWN_MOUNT = 'unknown prefix';

/** The placeholder text for the language prefix Django's `i18n_patterns()` adds (`/en/…`): two words, as above. */
export const LANGUAGE_PREFIX = 'language code';

/** The placeholder text for the routes of a library's urlconf (`include("allauth.urls")`), which are not read. */
export const LIBRARY_ROUTES = 'library routes';

/** The start of a placeholder naming the host an app is served on (`{host=settings.ADMIN_HOST?}`). */
export const HOST_PART = 'host=';

/** `unresolved` and its reason for a final path holding placeholders; nothing otherwise. */
export function unresolvedFields(path: string): { unresolved?: true; unresolvedReason?: string } {
  const parts = [...path.matchAll(PLACEHOLDER)].map((m) => m[1]);
  if (parts.length === 0) return {};
  if (parts.length === 1 && parts[0] === UNKNOWN_MOUNT)
    return {
      unresolved: true,
      unresolvedReason:
        'its router is included nowhere discovery can follow (a loop over plugins, another package, or nowhere): the prefix it is served under is unknown',
    };
  if (parts.length === 1 && parts[0] === LANGUAGE_PREFIX)
    return {
      unresolved: true,
      unresolvedReason:
        "served under the language prefix Django's i18n_patterns() adds (one per LANGUAGES entry, e.g. `en`)",
    };
  if (parts.length === 1 && parts[0] === LIBRARY_ROUTES)
    return {
      unresolved: true,
      unresolvedReason: "the routes of a library's urlconf, served under this prefix: they are not read",
    };
  const host = parts.find((p) => p.startsWith(HOST_PART));
  if (host && parts.length === 1)
    return {
      unresolved: true,
      unresolvedReason: `served only on the host \`${host.slice(HOST_PART.length)}\` (a host-routed app): the path is the app's own, and requests must carry that Host`,
    };
  const names = [...new Set(parts)].map((p) => `\`${p}\``).join(', ');
  return {
    unresolved: true,
    unresolvedReason: `${names} could not be evaluated statically; the path shows ${parts.length === 1 ? 'it' : 'them'} as {…?}`,
  };
}
