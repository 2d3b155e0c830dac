// How much a sweep measures, as the editor asks for it: concurrency levels and a request count
// or a duration per level ("1,2,4,8,16", "1,2,4,8 24", "1,4,16 5s"). Plain data, no 'vscode'.
import { DEFAULT_LEVELS, validateLevels } from '../core/sweep/run';

export interface SweepPlan {
  levels: number[];
  /** Requests per level; undefined = the core's default, max(10, 3 × level). */
  requests?: number;
  /** Seconds per level instead of a request count. */
  durationS?: number;
}

export const DEFAULT_PLAN: SweepPlan = { levels: [...DEFAULT_LEVELS] };

/** "1,2,4,8,16 · max(10, 3×N) requests each", "1,2,4,8 · 24 requests each", "1,4,16 · 5 s each". */
export function planText(p: SweepPlan): string {
  const amount =
    p.durationS !== undefined
      ? `${p.durationS} s each`
      : p.requests !== undefined
        ? `${p.requests} requests each`
        : 'max(10, 3×N) requests each';
  return `${p.levels.join(',')} concurrent · ${amount}`;
}

/** What the user types back for a plan: "1,2,4,8 24". */
export function planInput(p: SweepPlan): string {
  const amount = p.durationS !== undefined ? ` ${p.durationS}s` : p.requests !== undefined ? ` ${p.requests}` : '';
  return `${p.levels.join(',')}${amount}`;
}

/** A typed plan, or why it cannot be used (one line, for the input box). */
export function parseSweepPlan(text: string): SweepPlan | string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 2)
    return 'levels, then optionally requests or seconds per level: "1,2,4,8,16", "1,2,4,8 24" or "1,4,16 5s"';
  const levels = words[0].split(',').map((w) => Number(w.trim()));
  if (levels.some((l) => !Number.isInteger(l)))
    return `levels are whole numbers separated by commas, not "${words[0]}"`;
  try {
    validateLevels(levels);
  } catch (e) {
    return (e as Error).message;
  }
  const plan: SweepPlan = { levels };
  if (words[1]) {
    const m = /^(\d+(?:\.\d+)?)(s)?$/.exec(words[1]);
    if (!m) return `"${words[1]}" is neither a request count (24) nor seconds (5s)`;
    const v = Number(m[1]);
    if (m[2]) {
      if (!(v > 0) || v > 3600) return 'seconds per level must be more than 0 and at most 3600';
      plan.durationS = v;
    } else {
      if (!Number.isInteger(v) || v < 1 || v > 1_000_000) return 'requests per level must be a whole number from 1';
      plan.requests = v;
    }
  }
  return plan;
}

/** A plan saved in workspace state, if it still reads as one. */
export function rememberedPlan(saved: unknown): SweepPlan | undefined {
  if (typeof saved !== 'string') return undefined;
  const p = parseSweepPlan(saved);
  return typeof p === 'string' ? undefined : p;
}
