// NestJS: `@Controller(prefix | { path })` classes whose methods carry `@Get(path)`, `@Post()`, … decorators,
// and `app.setGlobalPrefix('api')`. Paths join as Nest does: '/' + global + '/' + controller + '/' + method.
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { ControllerFact, Text } from './facts';
import { callArguments } from '../../lang/node/literals';
import { handlerOf, property } from './syntax';
import type { Constants } from './values';

const METHOD_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Head: 'HEAD',
  Options: 'OPTIONS',
  All: 'ALL',
};

/** A decorator's name and arguments: `@Get(':id')` → ['Get', [':id' node]]. */
function decoratorCall(decorator: Node): { name: string; args: Node[] } | undefined {
  const call = decorator.namedChildren[0];
  if (call?.type === 'call_expression') {
    const callee = call.childForFieldName('function');
    return callee?.type === 'identifier' ? { name: callee.text, args: callArguments(call) } : undefined;
  }
  return call?.type === 'identifier' ? { name: call.text, args: [] } : undefined;
}

/**
 * Paths a decorator argument gives: none → [''], a string or constant, an array of them (Nest registers
 * each), `{ path }`. A path the source computes otherwise is unknown (null).
 */
function pathsOf(arg: Node | undefined, values: Constants): Array<Text | null> {
  if (!arg) return [''];
  if (arg.type === 'object') {
    const path = property(arg, 'path');
    return path ? pathsOf(path, values) : [''];
  }
  if (arg.type === 'array')
    return arg.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => values.pathText(c));
  return [values.pathText(arg)];
}

export function readController(cls: Node, values: Constants): ControllerFact | undefined {
  const className = cls.childForFieldName('name')?.text;
  // Decorators sit on the class, or on `export` when written before `export class`.
  const decorators = [
    ...(cls.parent?.type === 'export_statement' ? cls.parent.namedChildren : []),
    ...cls.namedChildren,
  ].filter((c): c is Node => c?.type === 'decorator');
  const controller = decorators.map(decoratorCall).find((d) => d?.name === 'Controller');
  const prefixes = controller ? pathsOf(controller.args[0], values) : undefined;
  const body = cls.childForFieldName('body');
  if (!className || !prefixes || !body) return undefined;

  const fact: ControllerFact = { className, prefixes, routes: [] };
  let pending: Node[] = [];
  for (const member of body.namedChildren) {
    // Comments between stacked decorators (`@Get() // list`) belong to the same method.
    if (!member || member.type === 'comment') continue;
    if (member.type === 'decorator') {
      pending.push(member);
      continue;
    }
    if (member.type === 'method_definition') {
      const name = member.childForFieldName('name')?.text ?? '';
      const own = member.namedChildren.filter((c): c is Node => c?.type === 'decorator');
      // Decorators apply bottom-up and each route decorator overwrites the method's path and verb metadata,
      // so of `@Get('a') @Post('b')` Nest serves only the topmost: GET a.
      const call = [...pending, ...own].map(decoratorCall).find((c) => c && METHOD_DECORATORS[c.name]);
      const method = call ? METHOD_DECORATORS[call.name] : undefined;
      const paths = method ? pathsOf(call!.args[0], values) : [];
      // A method path the source computes otherwise gives no route rather than one at the controller's root.
      for (const path of paths)
        if (path !== null)
          fact.routes.push({ methods: [method!], path, handler: handlerOf(member, `${className}.${name}`) });
    }
    pending = [];
  }
  return fact;
}

/** `app.setGlobalPrefix('api')` → 'api'; null when the source computes it otherwise (`config.get('prefix')`). */
export function readGlobalPrefix(call: Node, values: Constants): Text | null | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'setGlobalPrefix')
    return undefined;
  const arg = callArguments(call)[0];
  return arg ? values.pathText(arg) : undefined;
}
