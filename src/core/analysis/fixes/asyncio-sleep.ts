// `time.sleep(x)` in an async def → `await asyncio.sleep(x)` (importing asyncio when needed).
import { asyncioIn, awaited, replaceCall } from './edit';
import type { CallFact, CodeFacts } from '../facts';
import type { Fix } from '../../model';

export function asyncioSleepFix(file: string, facts: CodeFacts, call: CallFact): Fix {
  const asyncio = asyncioIn(file, facts);
  return {
    title: `Replace with await ${asyncio.name}.sleep(...)`,
    edits: [...asyncio.edits, replaceCall(file, call, awaited(call, `${asyncio.name}.sleep(${call.args})`))],
  };
}
