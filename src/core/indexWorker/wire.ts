// Large lists cross from the index worker in v8-serialised chunks: receiving bytes costs the
// host a copy, and it decodes one chunk per event-loop turn, so a reply of thousands of routes
// never holds the extension host's loop (one structured-clone message of 2,682 routes took it
// 36-44 ms on a busy 2-core machine).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { deserialize, serialize } from 'node:v8';

export function encodeList<T>(items: readonly T[], perChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < items.length; i += perChunk) chunks.push(serialize(items.slice(i, i + perChunk)));
  return chunks;
}

export async function decodeList<T>(chunks: readonly Uint8Array[]): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks) {
    await nextTurn();
    for (const item of deserialize(chunk) as T[]) out.push(item);
  }
  return out;
}
