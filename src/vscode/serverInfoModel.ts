// What served a run, so the Runs view and Compare can tell setups apart: the command Start
// Server ran (while it runs), else the endpointProfiler.serverCommand setting, else what the
// user said serves that address — asked once per port and remembered in the workspace (an
// empty answer too: "don't ask again"). Plain data, unit-tested without VS Code.
import type { ServerConfig } from '../core/model';
import { serverConfig } from '../core/servers/workers';

/** workspaceState key: address → what the user said serves it ('' = they chose not to say). */
export const SERVER_BY_ADDRESS_KEY = 'endpointProfiler.serverByAddress';

/** Answers longer than this are refused: it is a command line or a few words, not a document. */
export const SERVER_ANSWER_MAX = 300;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Where an answer is kept: the port for this machine (127.0.0.1, localhost and ::1 reach the
 * same server), host and port for another machine. Undefined for a URL that does not parse.
 */
export function serverAddressKey(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return LOOPBACK.has(u.hostname) ? `:${port}` : `${u.hostname}:${port}`;
}

/** "port 8000" or "api.example.com:443", for the question. */
export const addressText = (key: string): string => (key.startsWith(':') ? `port ${key.slice(1)}` : key);

export type ServerSource = 'started' | 'setting' | 'answered' | 'skipped' | 'unknown';

export interface ServerForRun {
  /** Recorded as the run's `server` (command and, when the command says, its workers). */
  server?: ServerConfig;
  /** Where it came from; 'unknown' means the user has not been asked for this address yet. */
  source: ServerSource;
}

/**
 * The server a run records. `started`: the command Start Server ran for this address this
 * session; `configured`: the serverCommand setting; `answers`: what the workspace remembers,
 * by `serverAddressKey`.
 */
export function serverForRun(
  url: string,
  started: string | undefined,
  configured: string | undefined,
  answers: Readonly<Record<string, unknown>> | undefined,
): ServerForRun {
  if (started?.trim()) return { server: serverConfig(started.trim()), source: 'started' };
  if (configured?.trim()) return { server: serverConfig(configured.trim()), source: 'setting' };
  const key = serverAddressKey(url);
  const answer = key === undefined ? undefined : answers?.[key];
  if (typeof answer !== 'string') return { source: 'unknown' };
  const text = answer.trim();
  return text ? { server: serverConfig(text), source: 'answered' } : { source: 'skipped' };
}

/** Why an answer cannot be kept, or undefined (empty is fine: it means skip). */
export function serverAnswerProblem(text: string): string | undefined {
  if (/[\r\n]/.test(text)) return 'one line, please';
  if (text.trim().length > SERVER_ANSWER_MAX) return `at most ${SERVER_ANSWER_MAX} characters`;
  return undefined;
}

/** The remembered answers with this one set (trimmed; '' = skip), other addresses kept. */
export function withServerAnswer(
  answers: Readonly<Record<string, unknown>> | undefined,
  url: string,
  text: string,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(answers ?? {})) if (typeof v === 'string') kept[k] = v;
  const key = serverAddressKey(url);
  if (key !== undefined) kept[key] = text.trim();
  return kept;
}
