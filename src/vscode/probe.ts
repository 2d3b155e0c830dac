// One request before the load (Profile Endpoint, Profile URL…): the same method, headers and
// body the run will send, timed to the end of its response, so the picker can say how long each
// profile would take and whether the endpoint answers with an expected status at all. Node's
// http/https only: no 'vscode' here, and no load-engine worker for a single request.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ProbeResult } from './profileModel';

export interface ProbeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutS: number;
}

export function probeRequest(r: ProbeRequest): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const u = new URL(r.url);
    const client = u.protocol === 'https:' ? https : http;
    const req = client.request(
      u,
      {
        method: r.method,
        headers: { ...r.headers, ...(r.body !== undefined ? { 'content-length': Buffer.byteLength(r.body) } : {}) },
        agent: false,
      },
      (res) => {
        res.resume(); // the body is read (and dropped) so the time covers the whole response
        res.on('end', () => finish({ ms: elapsed(), status: res.statusCode ?? 0 }));
        res.on('error', (err) => finish({ ms: elapsed(), error: err.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ms: elapsed(), error: `no response within ${r.timeoutS} s` });
      req.destroy();
    }, r.timeoutS * 1000);
    req.on('error', (err) => finish({ ms: elapsed(), error: err.message }));
    req.end(r.body);
  });
}
