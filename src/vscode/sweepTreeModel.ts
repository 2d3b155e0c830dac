// The Runs view's sweep groups, as plain data: the runs of one sweep (one `group` id) under one
// parent row that says the verdict; runs of no sweep stay rows of their own. No 'vscode' here.
import type { RunRecord } from '../core/model';
import { measuredWord, runsByGroup, type SweepCache } from './sweepModel';
import { routeText, serverText, relativeTime, type RunNode } from './runsTreeModel';

export interface RunGroupNode {
  kind: 'group';
  /** `sweep:<group>`, never a run id. */
  id: string;
  group: string;
  label: string;
  description: string;
  tooltip: string; // Markdown
  icon: string;
  color?: string;
  contextValue: 'sweep';
  /** The sweep's runs, lowest concurrency first. */
  children: RunNode[];
}

export type RunsTreeItem = RunNode | RunGroupNode;

export const isGroupNode = (n: unknown): n is RunGroupNode =>
  typeof n === 'object' && n !== null && (n as RunGroupNode).kind === 'group';

const ICONS: Record<string, { icon: string; color?: string }> = {
  serialised: { icon: 'debug-pause', color: 'list.warningForeground' },
  scales: { icon: 'arrow-up', color: 'testing.iconPassed' },
  saturates: { icon: 'dash' },
  degrades: { icon: 'arrow-down', color: 'testing.iconFailed' },
  inconclusive: { icon: 'question' },
};

const escape = (s: string): string => s.replace(/[\\*_[\]`<>]/g, '\\$&');

/**
 * Top-level rows: each sweep group at the place of its newest run (the store lists newest
 * first), its runs beneath it; other runs as they were. A group of one run stays a plain row.
 */
export function groupRunNodes(nodes: readonly RunNode[], cache: SweepCache, now = Date.now()): RunsTreeItem[] {
  const records = nodes.flatMap((n) => (n.record ? [n.record] : []));
  const groups = runsByGroup(records);
  const placed = new Set<string>();
  const out: RunsTreeItem[] = [];
  for (const node of nodes) {
    const group = node.record?.group;
    const runs = group ? groups.get(group) : undefined;
    if (!group || !runs || runs.length < 2) {
      out.push(node);
      continue;
    }
    if (placed.has(group)) continue;
    placed.add(group);
    const children = nodes
      .filter((n) => n.record?.group === group)
      .sort((a, b) => a.record!.config.concurrency - b.record!.config.concurrency);
    out.push(groupNode(group, runs, children, cache, now));
  }
  return out;
}

function groupNode(
  group: string,
  runs: RunRecord[],
  children: RunNode[],
  cache: SweepCache,
  now: number,
): RunGroupNode {
  const first = runs[0];
  const sweep = cache.of(group, runs);
  const levels = [...new Set(runs.map((r) => r.config.concurrency))].sort((a, b) => a - b);
  const kind = sweep && sweep.levels.length >= 2 ? sweep.verdict.kind : 'inconclusive';
  const word = sweep && sweep.levels.length >= 2 ? measuredWord(sweep.verdict) : 'no verdict';
  const server = serverText(first);
  const newest = runs[runs.length - 1].createdAt;
  const { icon, color } = ICONS[kind];
  return {
    kind: 'group',
    id: `sweep:${group}`,
    group,
    label: `Sweep ${routeText(first)}: ${word}`,
    description: [server, `c=${levels.join(',')}`, relativeTime(newest, now)].filter(Boolean).join(' · '),
    tooltip: [
      `**Sweep of ${escape(routeText(first))}: ${escape(word)}**`,
      '',
      escape(sweep?.verdict.text ?? 'No level of this sweep completed.'),
      '',
      `Levels: ${levels.join(', ')} concurrent · ${runs.length} runs · group \`${group}\``,
      ...(first.server?.command ? [`Server: \`${first.server.command.replace(/`/g, "'")}\``] : []),
    ].join('\n'),
    icon,
    ...(color ? { color } : {}),
    contextValue: 'sweep',
    children,
  };
}

/** The runs a selection stands for: a group's runs in place of the group. */
export function expandGroups<T extends { id: string }>(items: readonly (T | RunGroupNode)[]): T[] {
  return items.flatMap((n) => (isGroupNode(n) ? (n.children as unknown as T[]) : [n]));
}
