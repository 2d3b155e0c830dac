// An esbuild plugin that removes two costs web-tree-sitter 0.25 pays on every node it hands
// out, without changing what it computes (profiled on a 1,774-file FastAPI server, where the
// tree walk, not the parse, took most of the time):
// - `Node` declares its wasm handle as a class field `[0] = 0`, then sets `this[0]` in the
//   constructor; defining an indexed class field takes V8's slow path on every `new Node`
//   (the largest single line of the walk's profile). The constructor's assignment stays.
// - emscripten's `getValue`/`setValue` test `type.endsWith("*")` on every call; node
//   marshalling calls them five times per node. A last-character comparison is the same test.
// - A TreeCursor call writes the cursor's four words into wasm memory and a move reads them back,
//   each through getValue/setValue and a DataView (the plain Python tree is read with a cursor:
//   src/core/lang/syntax.ts). On a little-endian host an Int32Array view of the same memory
//   stores the same bytes; a big-endian host keeps the original path.
// - The source reaches wasm memory through `stringToUTF16`, one DataView store per UTF-16 unit (~10-30 ns each:
//   0.2 s of a 420k-line server's parse). Where Node's Buffer exists on a little-endian host, one native
//   'utf16le' write of the same units (lone surrogates included) stores the same bytes; a chunk of 64 units or
//   fewer (the empty one that ends every parse) goes through HEAPU16, cheaper than a Buffer's set-up.
// A pattern that is not found (another web-tree-sitter version) is reported and left as is.
import { readFile } from 'node:fs/promises';

const PATCHES = [
  {
    what: 'Node [0] class field',
    from: 'var Node = class {\n  static {\n    __name(this, "Node");\n  }\n  /** @internal */\n  // @ts-expect-error: never read\n  [0] = 0;\n',
    to: 'var Node = class {\n  static {\n    __name(this, "Node");\n  }\n',
    count: 1,
  },
  {
    what: 'getValue/setValue pointer-type test',
    from: 'if (type.endsWith("*")) type = "*";',
    to: 'if (type.charCodeAt(type.length - 1) === 42) type = "*";',
    count: 2,
  },
  {
    what: 'TreeCursor marshalling',
    from:
      'function marshalTreeCursor(cursor, address = TRANSFER_BUFFER) {\n' +
      '  C.setValue(address + 0 * SIZE_OF_INT, cursor[0], "i32");\n',
    to:
      'const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;\n' +
      'function marshalTreeCursor(cursor, address = TRANSFER_BUFFER) {\n' +
      '  if (LITTLE_ENDIAN_HOST) {\n' +
      '    const heap = C.HEAP32, i = address >> 2;\n' +
      '    heap[i] = cursor[0]; heap[i + 1] = cursor[1]; heap[i + 2] = cursor[2]; heap[i + 3] = cursor[3];\n' +
      '    return;\n' +
      '  }\n' +
      '  C.setValue(address + 0 * SIZE_OF_INT, cursor[0], "i32");\n',
    count: 1,
  },
  {
    what: 'TreeCursor unmarshalling',
    from: 'function unmarshalTreeCursor(cursor) {\n  cursor[0] = C.getValue(TRANSFER_BUFFER + 0 * SIZE_OF_INT, "i32");\n',
    to:
      'function unmarshalTreeCursor(cursor) {\n' +
      '  if (LITTLE_ENDIAN_HOST) {\n' +
      '    const heap = C.HEAP32, i = TRANSFER_BUFFER >> 2;\n' +
      '    cursor[0] = heap[i]; cursor[1] = heap[i + 1]; cursor[2] = heap[i + 2]; cursor[3] = heap[i + 3];\n' +
      '    return;\n' +
      '  }\n' +
      '  cursor[0] = C.getValue(TRANSFER_BUFFER + 0 * SIZE_OF_INT, "i32");\n',
    count: 1,
  },
  {
    what: 'stringToUTF16 unit by unit',
    from: 'var numCharsToWrite = maxBytesToWrite < str.length * 2 ? maxBytesToWrite / 2 : str.length;\n',
    to:
      'var numCharsToWrite = maxBytesToWrite < str.length * 2 ? maxBytesToWrite / 2 : str.length;\n' +
      'if (UTF16_BY_BUFFER) {\n' +
      '  var units = Math.ceil(numCharsToWrite);\n' +
      '  if (units > 64) Buffer.from(HEAPU8.buffer, HEAPU8.byteOffset + outPtr, units * 2).write(str, 0, units * 2, "utf16le");\n' +
      '  else for (var u = 0, at = outPtr >> 1; u < units; ++u) HEAPU16[at + u] = str.charCodeAt(u);\n' +
      '  outPtr += units * 2;\n' +
      '  HEAPU8[outPtr] = 0;\n' +
      '  HEAPU8[outPtr + 1] = 0;\n' +
      '  return outPtr - startPtr;\n' +
      '}\n',
    count: 1,
  },
  {
    what: 'stringToUTF16 host test',
    from: 'var stringToUTF16 = /* @__PURE__ */ __name((str, outPtr, maxBytesToWrite) => {\n',
    to:
      'var UTF16_BY_BUFFER = typeof Buffer === "function" && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;\n' +
      'var stringToUTF16 = /* @__PURE__ */ __name((str, outPtr, maxBytesToWrite) => {\n',
    count: 1,
  },
];

export const fastTreeSitter = {
  name: 'fast-tree-sitter',
  setup(build) {
    build.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.c?js$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      const warnings = [];
      for (const p of PATCHES) {
        const found = text.split(p.from).length - 1;
        if (found !== p.count) {
          warnings.push({ text: `fast-tree-sitter: ${p.what} found ${found}× (expected ${p.count}); left unpatched` });
          continue;
        }
        text = text.split(p.from).join(p.to);
      }
      return { contents: text, loader: 'js', warnings };
    });
  },
};
