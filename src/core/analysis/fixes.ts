// Machine-applicable fixes. TextEdits use 1-based lines and columns with an exclusive
// end column, like every range in model.ts; an insertion has start == end.
import type { CatalogEntry } from './catalog/types';
import type { CallFact, CodeFacts, FunctionFact } from './facts';
import type { Fix, TextEdit } from '../model';

const replaceCall = (file: string, call: CallFact, newText: string): TextEdit => ({ file, ...call.span, newText });
const argsKnown = (call: CallFact): boolean => call.args.length > 0 || call.argCount === 0;
/** `await expr`, parenthesised when the call is the object of a member access, call or subscript (await binds looser). */
const awaited = (call: CallFact, expr: string): string => (call.tight ? `(await ${expr})` : `await ${expr}`);

/**
 * The name to reach asyncio by in a Python module, and the edit that imports it when no
 * module-level `import asyncio` does (one inside a function or a block binds nothing at module level).
 */
function asyncioIn(file: string, facts: CodeFacts): { name: string; edits: TextEdit[] } {
  if (facts.asyncio) return { name: facts.asyncio, edits: [] };
  const at = facts.importAt ?? { line: 1, column: 1 };
  const nl = at.crlf ? '\r\n' : '\n';
  return {
    name: 'asyncio',
    edits: [
      {
        file,
        line: at.line,
        column: at.column,
        endLine: at.line,
        endColumn: at.column,
        newText: at.eof ? `${nl}import asyncio` : `import asyncio${nl}`,
      },
    ],
  };
}

/** The preferred rewrite for a direct blocking call inside an async function, when one is safe. */
export function preferredFix(
  file: string,
  facts: CodeFacts,
  fn: FunctionFact,
  call: CallFact,
  entry: CatalogEntry,
): Fix | undefined {
  if (!fn.async || call.noAwait || !argsKnown(call)) return undefined;
  if (entry.fix === 'asyncio-sleep') {
    const asyncio = asyncioIn(file, facts);
    return {
      title: `Replace with await ${asyncio.name}.sleep(...)`,
      edits: [...asyncio.edits, replaceCall(file, call, awaited(call, `${asyncio.name}.sleep(${call.args})`))],
    };
  }
  if (entry.fix === 'fs-promises') {
    const m = /^(.*)\.([A-Za-z]+)Sync$/.exec(call.written);
    if (!m || !call.callee?.startsWith('fs.') || !FS_PROMISES.has(m[2])) return undefined;
    // fs.statSync(p, { throwIfNoEntry: false }) returns undefined where fs.promises.stat rejects
    if (/\bthrowIfNoEntry\b/.test(call.args)) return undefined;
    return {
      title: `Replace with await ${m[1]}.promises.${m[2]}(...)`,
      edits: [replaceCall(file, call, awaited(call, `${m[1]}.promises.${m[2]}(${call.args})`))],
    };
  }
  return undefined;
}

const FS_PROMISES = new Set([
  'readFile',
  'writeFile',
  'appendFile',
  'stat',
  'lstat',
  'readdir',
  'mkdir',
  'rm',
  'rmdir',
  'unlink',
  'rename',
  'copyFile',
  'access',
  'realpath',
  'readlink',
  'symlink',
  'chmod',
  'chown',
  'utimes',
  'truncate',
  'mkdtemp',
  'opendir',
  'cp',
]);

/** `await asyncio.to_thread(fn, args)`: offloads any sync call from an async def. */
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

/** FastAPI runs `def` handlers in its threadpool: dropping `async` takes the work off the loop. */
export function makeSyncFix(file: string, fn: FunctionFact): Fix | undefined {
  if (!fn.asyncKeyword) return undefined;
  return {
    title: `Declare ${fn.name} with def (FastAPI runs it in the threadpool)`,
    edits: [{ file, ...fn.asyncKeyword, newText: '' }],
  };
}

export function suppressFix(file: string, facts: CodeFacts, call: CallFact, rule: string): Fix {
  const text = facts.language === 'python' ? `  # noqa: ${rule}` : ` // endpoint-profiler-ignore ${rule}`;
  const line = call.span.line;
  return {
    title: `Suppress ${rule} on this line`,
    edits: [{ file, line, column: call.lineEnd, endLine: line, endColumn: call.lineEnd, newText: text }],
  };
}
