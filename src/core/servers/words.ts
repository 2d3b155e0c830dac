// A server command typed by a person (or read from a workspace setting) turned into argv
// without ever handing it to a shell: POSIX quoting and backslash escapes are honoured, leading
// `NAME=value` words become environment, and anything only a shell could do (`;` `|` `&`
// `$` `` ` `` `(` `)` `<` `>`) is refused with a one-line message naming the character.

export class CommandSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandSyntaxError';
  }
}

export interface SplitCommand {
  /** Program and arguments, quotes removed. */
  argv: string[];
  /** Leading `NAME=value` words (as `env NAME=value prog` or a shell would apply them). */
  env: Record<string, string>;
}

const SHELL_ONLY: Record<string, string> = {
  ';': 'a command list',
  '|': 'a pipe',
  '&': 'a background job or &&',
  $: 'a variable or $(…) expansion',
  '`': 'a command substitution',
  '(': 'a subshell',
  ')': 'a subshell',
  '<': 'a redirection',
  '>': 'a redirection',
};

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

function refuse(c: string, at: number): never {
  const hint = c === '$' ? ' (write {port} and {host} where the address goes; PORT and HOST are also set)' : '';
  throw new CommandSyntaxError(
    `the command uses '${c}' (${SHELL_ONLY[c]}) at character ${at + 1}, which needs a shell; ` +
      `give the program and its arguments only, or quote the character${hint}`,
  );
}

/** Words of `command` as a POSIX shell would split them, refusing shell-only syntax. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let quoteAt = 0;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && /["\\$`\n]/.test(command[i + 1] ?? '')) word += command[++i];
      else if (c === '$' || c === '`') refuse(c, i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      quoteAt = i;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length) throw new CommandSyntaxError('the command ends with a lone backslash');
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (Object.hasOwn(SHELL_ONLY, c)) refuse(c, i);
    else {
      word += c;
      inWord = true;
    }
  }
  if (quote)
    throw new CommandSyntaxError(`the command has an unclosed ${quote} quote (opened at character ${quoteAt + 1})`);
  if (inWord) words.push(word);
  return words;
}

/** `shellWords`, with leading `NAME=value` words (and a leading `env`) taken out as environment. */
export function splitCommand(command: string): SplitCommand {
  const words = shellWords(command);
  const env: Record<string, string> = {};
  let i = 0;
  if (words[0] === 'env') i++;
  for (; i < words.length; i++) {
    const m = ASSIGNMENT.exec(words[i]);
    if (!m) break;
    env[m[1]] = words[i].slice(m[0].length);
  }
  const argv = words.slice(i);
  if (argv.length === 0) throw new CommandSyntaxError('the command is empty');
  return { argv, env };
}
