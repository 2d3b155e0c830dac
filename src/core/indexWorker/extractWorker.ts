// One worker of the extraction pool (extractPool.ts), run by the index worker's script when started
// with role 'extract': it loads its parsers once, then turns each file it is sent into its facts
// (fileFacts.ts), in arrival order, and answers with them packed (packFacts), the bytes the facts cache keeps.
import type { MessagePort } from 'node:worker_threads';
import { packFacts } from '../factsCache';
import { extractFileFacts } from '../fileFacts';
import { nodeWasmLoader, Parsers } from '../parsing/parser';
import type { ExtractReply, ExtractRequest, ExtractWorkerData } from './protocol';
import { errorMessage as message } from '../errors';

export function serveExtraction(port: MessagePort, data: ExtractWorkerData): void {
  const post = (m: ExtractReply): void => port.postMessage(m);
  const parsers = Parsers.load(nodeWasmLoader, data.languages);
  parsers.catch((err: unknown) => post({ type: 'unusable', message: `could not load the parsers: ${message(err)}` }));
  // Listening at once: requests sent while the parsers load wait for them, in order.
  port.on('message', (request: ExtractRequest) => {
    parsers.then(
      (p) => {
        let reply: ExtractReply;
        try {
          reply = { type: 'done', id: request.id, bytes: packFacts(extractFileFacts(p, request.file, request.text)) };
        } catch (err) {
          reply = { type: 'failed', id: request.id, message: message(err) };
        }
        post(reply);
      },
      () => undefined, // said once above: the pool stops sending here
    );
  });
}
