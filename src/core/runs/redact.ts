// Secrets never written down: header values that carry credentials are replaced by a short hash
// (two runs with different tokens can still be told apart, the token cannot be read back), and
// the URL's user:password@ is dropped. Applied to every record the engine produces and again to
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

/** The record with secret header values hashed and URL userinfo removed; the input is not changed. */
export function redactRecord(record: RunRecord): RunRecord {
  const target = record.target;
  const headers = redactHeaders(target.headers);
  const url = stripUserinfo(target.url);
  const changed = url !== target.url || Object.keys(headers).some((k) => headers[k] !== target.headers[k]);
  return changed ? { ...record, target: { ...target, url, headers } } : record;
}
