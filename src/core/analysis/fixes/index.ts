// Machine-applicable fixes, one rewrite per file. The preferred one for a catalog entry is
// named by its `fix` id; the others apply to any call (to_thread, suppression) or function.
import { asyncioSleepFix } from './asyncio-sleep';
import { argsKnown } from './edit';
import { fsPromisesFix } from './fs-promises';
import type { CatalogEntry, SafeFixId } from '../catalog/types';
import type { CallFact, CodeFacts, FunctionFact } from '../facts';
import type { Fix } from '../../model';

export { makeSyncFix } from './make-sync';
export { suppressFix } from './suppress';
export { toThreadFix } from './to-thread';

const PREFERRED: Record<SafeFixId, (file: string, facts: CodeFacts, call: CallFact) => Fix | undefined> = {
  'asyncio-sleep': asyncioSleepFix,
  'fs-promises': (file, _facts, call) => fsPromisesFix(file, call),
};

/** The preferred rewrite for a direct blocking call inside an async function, when one is safe. */
export function preferredFix(
  file: string,
  facts: CodeFacts,
  fn: FunctionFact,
  call: CallFact,
  entry: CatalogEntry,
): Fix | undefined {
  if (!fn.async || call.noAwait || !argsKnown(call) || !entry.fix) return undefined;
  return PREFERRED[entry.fix](file, facts, call);
}
