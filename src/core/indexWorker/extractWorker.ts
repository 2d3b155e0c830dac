// One worker of the extraction pool (extractPool.ts), run by the index worker's script when started
// with role 'extract': it loads its parsers once, then turns each batch of files it is sent into their facts
// (fileFacts.ts), in arrival order, and answers each batch in one message with the facts packed (packFacts),
// the bytes the facts cache keeps. The bytes are transferred, not copied.
import type { MessagePort } from 'node:worker_threads';
import { packFacts } from '../factsCache';
import { extractFileFacts } from '../fileFacts';
import { nodeWasmLoader, Parsers } from '../parsing/parser';
import type { ExtractReply, ExtractRequest, ExtractResult, ExtractWorkerData } from './protocol';
import { errorMessage as message } from '../errors';

export function serveExtraction(port: MessagePort, data: ExtractWorkerData): void {
  const parsers = Parsers.load(nodeWasmLoader, data.languages);
  parsers.catch((err: unknown) =>
    port.postMessage({
      type: 'unusable',
      message: `could not load the parsers: ${message(err)}`,
    } satisfies ExtractReply),
  );
  // Listening at once: requests sent while the parsers load wait for them, in order.
  port.on('message', (request: ExtractRequest) => {
    parsers.then(
      (p) => {
        const results: ExtractResult[] = [];
        const owned: ArrayBuffer[] = [];
        for (const { id, file, text } of request.files) {
          try {
            const bytes = packFacts(extractFileFacts(p, file, text));
            results.push({ id, bytes });
            if (ownsBuffer(bytes)) owned.push(bytes.buffer as ArrayBuffer);
          } catch (err) {
            results.push({ id, message: message(err) });
          }
        }
        port.postMessage({ type: 'done', results } satisfies ExtractReply, owned);
      },
      () => undefined, // said once above: the pool stops sending here
    );
  });
}

/** Whether `bytes` is all of its buffer (v8.serialize's own), so it can be transferred without moving others' bytes. */
const ownsBuffer = (bytes: Uint8Array): boolean =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
