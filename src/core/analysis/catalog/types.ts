// One catalog entry: a blocking call, what it does to a server, and what to use instead.
// Patterns are fnmatch-style over resolved names: 'time.sleep', 'requests.*',
// 'requests.Session#get' (a method on an instance of requests.Session), 'fs.*Sync'.

export type CallKind =
  | 'sleep'
  | 'http'
  | 'dns'
  | 'socket'
  | 'file'
  | 'image'
  | 'subprocess'
  | 'db'
  | 'cpu'
  | 'inference'
  | 'input'
  | 'lock'
  | 'custom';

/** H: network/disk latency or unbounded; M: usually short but unbounded; C: CPU-bound, grows with input. */
export type SeverityHint = 'H' | 'M' | 'C';

/** Machine-applicable rewrites the analyzer knows how to build (see fixes/index.ts). */
export type SafeFixId = 'asyncio-sleep' | 'fs-promises';

export interface CatalogEntry {
  pattern: string;
  kind: CallKind;
  severity: SeverityHint;
  replacement: string;
  /** Names under a wildcard pattern that are NOT blocking (Ruff's ASYNC240 allow-list style). */
  except?: string[];
  /** Only when the call has at most this many arguments (crypto.randomBytes without a callback). */
  maxArgs?: number;
  /**
   * Not when the only argument is an integer literal at most this: `crypto.randomBytes(32)` takes microseconds
   * (the Node guide's concern is large sizes, and the entropy pool right after boot).
   */
  cheapUpTo?: number;
  /** Only when the call has at least this many arguments (`smtplib.SMTP(host)` connects; `SMTP()` does not). */
  minArgs?: number;
  fix?: SafeFixId;
  source: string;
}

/**
 * What a call returns, so `s = requests.Session(); s.get()` resolves to 'requests.Session#get'.
 * Keys may be fnmatch patterns with '*' ('*.objects.filter', Django managers of any model).
 * A type's '#__iter__' entry in the catalog means iterating an instance (`for x in qs`, `list(qs)`) blocks.
 */
export type ReturnTypes = Record<string, string>;
