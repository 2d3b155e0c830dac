// FastAPI runs `def` handlers in its threadpool: dropping `async` takes the work off the loop.
import type { FunctionFact } from '../facts';
import type { Fix } from '../../model';

export function makeSyncFix(file: string, fn: FunctionFact): Fix | undefined {
  if (!fn.asyncKeyword) return undefined;
  return {
    title: `Declare ${fn.name} with def (FastAPI runs it in the threadpool)`,
    edits: [{ file, ...fn.asyncKeyword, newText: '' }],
  };
}
