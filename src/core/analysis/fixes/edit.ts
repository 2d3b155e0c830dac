// Edit helpers every fix shares. TextEdits use 1-based lines and columns with an exclusive
// end column, like every range in model.ts; an insertion has start == end.
import type { CallFact, CodeFacts } from '../facts';
import type { TextEdit } from '../../model';

export const replaceCall = (file: string, call: CallFact, newText: string): TextEdit => ({
  file,
  ...call.span,
  newText,
});

/** Whether the call's argument text was captured whole, so a rewrite can repeat it. */
export const argsKnown = (call: CallFact): boolean => call.args.length > 0 || call.argCount === 0;

/** `await expr`, parenthesised when the call is the object of a member access, call or subscript (await binds looser). */
export const awaited = (call: CallFact, expr: string): string => (call.tight ? `(await ${expr})` : `await ${expr}`);

/**
 * The name to reach asyncio by in a Python module, and the edit that imports it when no
 * module-level `import asyncio` does (one inside a function or a block binds nothing at module level).
 */
export function asyncioIn(file: string, facts: CodeFacts): { name: string; edits: TextEdit[] } {
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
