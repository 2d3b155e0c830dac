// Maps Node/undici errors to the run record's error kinds.
import type { ErrorKind } from '../model';

const BY_CODE: Record<string, ErrorKind> = {
  ECONNREFUSED: 'refused',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'too-large',
  EP_SOCKET_CLOSED: 'reset', // lean client: the server closed with a request unanswered
  EMFILE: 'fd-limit', // this process is out of file descriptors (ulimit -n)
  ENFILE: 'fd-limit', // the system is
};

export function classifyError(err: unknown): ErrorKind {
  let e = err as { code?: string; cause?: unknown; name?: string } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e.name === 'TimeoutError') return 'timeout';
    if (e.code && BY_CODE[e.code]) return BY_CODE[e.code];
    e = e.cause as typeof e;
  }
  return 'other';
}

/** One line naming an error and its causes, e.g. "Parse Error: Invalid status code (HPE_INVALID_STATUS)". */
export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err).slice(0, 300);
  const parts: string[] = [];
  let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    const msg = typeof e.message === 'string' ? e.message : '';
    const code = typeof e.code === 'string' && !msg.includes(e.code) ? ` (${e.code})` : '';
    if ((msg || code) && !parts.some((p) => p.includes(msg || code))) parts.push(`${msg}${code}`.trim());
    e = typeof e.cause === 'object' && e.cause !== null ? e.cause : undefined;
  }
  return (parts.join(': ') || 'unknown error').replace(/\s+/g, ' ').slice(0, 300);
}
