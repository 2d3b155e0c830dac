// Instances of the workspace's classes, as far as route discovery needs them: which name holds one (`new Server()`,
// `Server.getInstance()`), and which static methods of a class hand out its one instance (a singleton accessor).
// What a class keeps in a field (`this.app = express()`) is then served where an instance's field is registered on.
import type { SyntaxNode as Node } from '../../lang/syntax';

/** The class a value makes an instance of: `new Server(…)`, or `Server.getInstance()` (a static call, checked when linked). */
export function instanceOf(value: Node): { cls: string; via?: string } | undefined {
  if (value.type === 'new_expression') {
    const ctor = value.childForFieldName('constructor');
    return ctor?.type === 'identifier' && isClassName(ctor.text) ? { cls: ctor.text } : undefined;
  }
  if (value.type !== 'call_expression' || (value.childForFieldName('arguments')?.namedChildren.length ?? 1) > 0)
    return undefined;
  const callee = value.childForFieldName('function');
  const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
  const method = callee?.childForFieldName('property');
  return object?.type === 'identifier' && isClassName(object.text) && method?.type === 'property_identifier'
    ? { cls: object.text, via: method.text }
    : undefined;
}

/** Class names are capitalised (a call on `express` or `db` is no accessor of an instance). */
function isClassName(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 65 && first <= 90;
}

/**
 * The static methods of a class that return its one instance: `return new C()`, or `return C.x` / `this.x` (also
 * `C.x ??= new C()`) where the class stores `new C()` in that static member (assigned anywhere in its body, or a
 * static field's initialiser).
 */
export function singletonAccessors(cls: Node): string[] {
  const name = cls.childForFieldName('name')?.text;
  const body = cls.childForFieldName('body');
  if (!name || !body) return [];
  const makes = (value: Node | null | undefined): boolean =>
    value?.type === 'new_expression' && value.childForFieldName('constructor')?.text === name;
  /** `C.x` / `this.x` → 'x'. */
  const staticMember = (node: Node | null | undefined): string | undefined => {
    if (node?.type !== 'member_expression') return undefined;
    const object = node.childForFieldName('object');
    if (object?.type !== 'this' && object?.text !== name) return undefined;
    return node.childForFieldName('property')?.text;
  };
  const holders = new Set<string>();
  const returned: Array<{ method: string; value: Node }> = [];
  for (const member of body.namedChildren) {
    if (!member?.children.some((c) => c?.type === 'static')) continue;
    if (member.type === 'field_definition' || member.type === 'public_field_definition') {
      const field = member.childForFieldName('name') ?? member.childForFieldName('property');
      if (field && makes(member.childForFieldName('value'))) holders.add(field.text);
      continue;
    }
    const method = member.type === 'method_definition' ? member.childForFieldName('name')?.text : undefined;
    const block = member.childForFieldName('body');
    if (!method || !block) continue;
    const stack: Node[] = [block];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.type === 'assignment_expression' || node.type === 'augmented_assignment_expression') {
        const held = staticMember(node.childForFieldName('left'));
        if (held !== undefined && makes(node.childForFieldName('right'))) holders.add(held);
      }
      if (node.type === 'return_statement') {
        const value = node.namedChildren.find((c) => c && c.type !== 'comment');
        if (value) returned.push({ method, value });
      }
      // a nested function's `return` is not the method's
      for (const child of node.namedChildren)
        if (child && child.type !== 'arrow_function' && child.type !== 'function_expression') stack.push(child);
    }
  }
  // Every return of the method gives the instance (a `return null` branch makes it no accessor)
  const accessors = new Map<string, boolean>();
  for (const { method, value } of returned) {
    const inner =
      value.type === 'assignment_expression' || value.type === 'augmented_assignment_expression'
        ? value.childForFieldName('left')
        : value;
    const gives = makes(value) || (inner !== null && holders.has(staticMember(inner) ?? '\0'));
    accessors.set(method, gives && accessors.get(method) !== false);
  }
  return [...accessors].filter(([, gives]) => gives).map(([method]) => method);
}
