// What a blocking call does to a server under concurrency, in words a user can act on.
import type { CallKind } from './catalog/types';

const WHAT: Record<CallKind, string> = {
  sleep:
    'while it sleeps, this server answers no other request. Under 10 concurrent requests they queue one after another',
  http: 'while it waits for the remote server, this server answers no other request; 10 concurrent requests take about 10× the upstream latency',
  dns: 'while the name resolves, this server answers no other request',
  socket: 'while the socket waits, this server answers no other request',
  file: 'while the disk answers, this server answers no other request; slow disks or big files serialise every request',
  image:
    'while the image is decoded or encoded (and its file read or written), this server answers no other request; big images serialise every request',
  subprocess: 'while the process runs, this server answers no other request; concurrent requests queue behind it',
  db: 'while the database answers, this server answers no other request; 10 concurrent queries run one after another',
  cpu: 'while it computes, this server answers no other request; latency grows with every concurrent request',
  inference:
    'while the model computes, this server answers no other request; every concurrent request waits for the inferences before it',
  input: 'it waits for the terminal and this server answers no other request meanwhile',
  lock: 'while it waits for the lock, this server answers no other request',
  custom: 'it is configured as blocking: while it runs, this server answers no other request',
};

export function loopMessage(call: string, kind: CallKind): string {
  if (call.endsWith('.__iter__'))
    return `Iterating a ${call.slice(0, -'.__iter__'.length)} blocks the event loop: ${WHAT[kind]}.`;
  return `${call}() blocks the event loop: ${WHAT[kind]}.`;
}

export function transitiveMessage(
  call: string,
  blocking: string,
  kind: CallKind,
  dispatch?: { declared: string; implementations: number },
): string {
  const which = dispatch
    ? ` (when ${dispatch.declared}() lands in this implementation, one of ${dispatch.implementations} in the workspace)`
    : '';
  return `${call}()${which} runs on the event loop and calls ${blocking}() further down: ${WHAT[kind]}.`;
}

/** EP104: a model's inference on the loop, made here (`call`) or by a helper further down (`blocking`). */
export function inferenceMessage(call: string, blocking?: string): string {
  return blocking
    ? `${call}() runs on the event loop and runs model inference (${blocking}) further down: ${WHAT.inference}.`
    : `${call}() runs model inference on the event loop: ${WHAT.inference}.`;
}

export function workerMessage(call: string, framework: string): string {
  return `${call}() ties up a ${framework} worker while it waits: each worker serves one request at a time, so slow calls need as many workers as concurrent requests.`;
}

export const NEVER_AWAITS =
  'This FastAPI async handler never awaits but makes blocking calls: declared `def`, FastAPI would run it in the threadpool instead of on the event loop.';
