// Secrets never written down: header values that carry credentials are replaced by a short hash
// (two runs with different tokens can still be told apart, the token cannot be read back), the
// URL's user:password@ is dropped, and so are secrets in the server command line. Applied to every record the engine produces and again to
// everything written (run files, exports), so records from older versions are cleaned too.
// The request itself still sends the real values.
import { createHash } from 'node:crypto';
import type { RunRecord } from '../model';

const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
const SECRET_PARTS = /token|secret|key|auth/i;
const REDACTED = /^redacted:sha256:[0-9a-f]{8}$/;

export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_NAMES.has(n) || SECRET_PARTS.test(n);
}

/** `redacted:sha256:1a2b3c4d`: the first 8 hex digits of the value's SHA-256. Idempotent. */
export function redactValue(value: string): string {
  if (REDACTED.test(value)) return value;
  return `redacted:sha256:${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = isSecretHeader(name) ? redactValue(String(value)) : value;
  return out;
}

/** The URL without `user:password@` (kept as is when it does not parse). */
export function stripUserinfo(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  }
}

const SECRET_WORDS = /token|secret|key|auth|passw(?:or)?d|pwd|credential/i;
const VALUE = `("[^"]*"|'[^']*'|[^\\s"']+)`;

/**
 * A server command line as recorded (`server.command`: typed, configured, or a user's answer),
 * with what looks secret hashed: values of environment assignments and flags whose names say
 * token, secret, key, auth or password (`SECRET_KEY=…`, `--db-password …`), and URL userinfo
 * (`postgres://user:pw@db/app` → `postgres://db/app`). The rest (program, app, workers) is kept.
 */
export function redactCommand(command: string): string {
  return command
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]*@/gi, '$1')
    .replace(new RegExp(`(^|\\s)([A-Za-z_][A-Za-z0-9_]*)=${VALUE}`, 'g'), (m, pre: string, name: string, v: string) =>
      SECRET_WORDS.test(name) ? `${pre}${name}=${redactValue(v)}` : m,
    )
    .replace(
      new RegExp(`(^|\\s)(--?[A-Za-z][\\w-]*)(=|\\s+)${VALUE}`, 'g'),
      (m, pre: string, flag: string, sep: string, v: string) =>
        SECRET_WORDS.test(flag) && !/file$/i.test(flag) ? `${pre}${flag}${sep}${redactValue(v)}` : m,
    );
}

/** The record with secret header values hashed, URL userinfo removed and the server command redacted; the input is not changed. */
export function redactRecord(record: RunRecord): RunRecord {
  const target = record.target;
  const headers = redactHeaders(target.headers);
  const url = stripUserinfo(target.url);
  const command = record.server?.command === undefined ? undefined : redactCommand(record.server.command);
  const changed = url !== target.url || Object.keys(headers).some((k) => headers[k] !== target.headers[k]);
  const server =
    record.server && command !== record.server.command ? { ...record.server, command: command! } : undefined;
  if (!changed && !server) return record;
  return { ...record, ...(changed ? { target: { ...target, url, headers } } : {}), ...(server ? { server } : {}) };
}
