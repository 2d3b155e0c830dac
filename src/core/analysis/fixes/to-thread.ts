// `await asyncio.to_thread(fn, args)`: offloads any sync call from an async def.
import { argsKnown, asyncioIn, awaited, replaceCall } from './edit';
import type { CallFact, CodeFacts, FunctionFact } from '../facts';
import type { Fix } from '../../model';

export function toThreadFix(file: string, facts: CodeFacts, fn: FunctionFact, call: CallFact): Fix | undefined {
  if (
    facts.language !== 'python' ||
    !fn.async ||
    call.noAwait ||
    !argsKnown(call) ||
    !/^[A-Za-z_][\w.]*$/.test(call.written)
  )
    return undefined;
  const asyncio = asyncioIn(file, facts);
  const edits = [
    ...asyncio.edits,
    replaceCall(
      file,
      call,
      awaited(call, `${asyncio.name}.to_thread(${call.written}${call.args.trim() ? `, ${call.args}` : ''})`),
    ),
  ];
  return { title: `Run ${call.written}() in a thread with ${asyncio.name}.to_thread`, edits };
}
