// Which file and line the results panel may open when a loop stall's link is clicked: only a
// `loopStalls` entry of a run the panel shows, and only a workspace-relative path that stays
// inside the folder (the webview's message is data, never trusted as a path).
import type { RunRecord } from '../core/model';

export function stallLinkTarget(
  runs: readonly RunRecord[],
  file: unknown,
  line: unknown,
): { segments: string[]; line: number } | undefined {
  if (typeof file !== 'string' || typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
  const shown = runs.some((r) => r.loopStalls?.some((s) => s.file === file && s.line === line));
  if (!shown) return undefined;
  const segments = file.split('/');
  if (
    file.startsWith('/') ||
    /^[A-Za-z]:/.test(file) ||
    segments.some((s) => s === '..' || s === '' || s.includes('\\'))
  )
    return undefined;
  return { segments, line };
}
