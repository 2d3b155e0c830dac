// The analyzer's user configuration file: `.endpoint-profiler.json` at the workspace root
// (or any file given with --config). Shape:
//   { "extraBlockingCalls": [{ "pattern": "mylib.slow_*", "replacement": "mylib.aio.slow_*" }]
//     or ["mylib.slow_* -> mylib.aio.slow_*"] (flake8-async async200 style),
//     "allowedCalls": ["geoip.lookup"] }
import type { AnalysisConfig } from './match';

export const CONFIG_FILE = '.endpoint-profiler.json';

/** Parses the configuration; throws an Error with a one-line message when it is malformed. */
export function parseAnalysisConfig(text: string): AnalysisConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('expected a JSON object');
  const obj = raw as Record<string, unknown>;
  const config: AnalysisConfig = {};
  if (obj.extraBlockingCalls !== undefined) {
    if (!Array.isArray(obj.extraBlockingCalls)) throw new Error('"extraBlockingCalls" must be an array');
    config.extraBlockingCalls = obj.extraBlockingCalls.map((e, i) => {
      if (typeof e === 'string') {
        const [pattern, replacement] = e.split('->').map((s) => s.trim());
        if (!pattern) throw new Error(`"extraBlockingCalls"[${i}] has no pattern`);
        return replacement ? { pattern, replacement } : { pattern };
      }
      if (e && typeof e === 'object' && typeof (e as { pattern?: unknown }).pattern === 'string') {
        const { pattern, replacement } = e as { pattern: string; replacement?: unknown };
        return typeof replacement === 'string' ? { pattern, replacement } : { pattern };
      }
      throw new Error(`"extraBlockingCalls"[${i}] must be "pattern -> replacement" or {"pattern": ...}`);
    });
  }
  if (obj.allowedCalls !== undefined) {
    if (!Array.isArray(obj.allowedCalls) || obj.allowedCalls.some((s) => typeof s !== 'string'))
      throw new Error('"allowedCalls" must be an array of strings');
    config.allowedCalls = obj.allowedCalls as string[];
  }
  return config;
}
