// EP103: a FastAPI `async def` handler that blocks and never awaits: as `def` it would run in the threadpool.
import { makeSyncFix } from '../fixes';
import { NEVER_AWAITS } from '../messages';
import type { Rule } from './types';

export const EP103: Rule = {
  id: 'EP103',
  name: 'async-never-awaits',
  severity: 'warning',
  short: 'FastAPI async handler never awaits but blocks: declare it def',
  doc: `**A FastAPI \`async def\` handler that never awaits but blocks.** FastAPI runs \`def\` handlers in
its threadpool, where blocking is what threads are for, and \`async def\` handlers on the loop.
A handler with no \`await\` gains nothing from \`async\`; declaring it \`def\` moves its blocking
calls off the loop. The quick fix removes \`async\`.`,
  onFunction({ path, fn, route, runs }, blocked) {
    if (!blocked || runs !== 'loop' || !fn.async || fn.hasAwait || route?.framework !== 'fastapi') return undefined;
    const fix = makeSyncFix(path, fn);
    const at = fn.asyncKeyword ?? {
      line: fn.defLine,
      column: fn.span.column,
      endLine: fn.defLine,
      endColumn: fn.span.column + 1,
    };
    return { ...at, severity: 'warning', message: NEVER_AWAITS, ...(fix ? { fix } : {}) };
  },
};
