// Refresh-token rotation under load: every token is used exactly once. A shared
// queue starts with fresh tokens (minted by sign-ins); each request takes one,
// each 2xx answer puts the rotated successor back.
//
// autocannon builds every connection's first request at once, into one shared
// request object, so those first requests would all carry the same token (and a
// reuse revokes its family). The first `connections` builds are therefore a
// harmless GET /healthz, which the caller subtracts (`primers`).
import type autocannon from 'autocannon';

export interface Rotation {
  requests: autocannon.Request[];
  primers: number;
  beforeRun(): void;
  left(): number;
  /** requests that found the queue empty (should be 0) */
  starved(): number;
}

export function rotation(opts: {
  tokens: string[];
  connections: number;
  path: string;
  headers: Record<string, string>;
  body(token: string): string;
}): Rotation {
  const queue = [...opts.tokens];
  let primed = 0;
  let starved = 0;
  const request: autocannon.Request = {
    setupRequest(req) {
      if (primed < opts.connections) {
        primed++;
        return { ...req, method: 'GET', path: '/healthz', headers: {}, body: undefined };
      }
      let token = queue.shift();
      if (!token) {
        starved++;
        token = 'starved-' + starved; // answered 4xx: counts as non-2xx
      }
      return { ...req, method: 'POST', path: opts.path, headers: opts.headers, body: opts.body(token) };
    },
    onResponse(status, body) {
      if (status !== 200) return;
      try {
        const next = (JSON.parse(body) as { refresh_token?: string }).refresh_token;
        if (next) queue.push(next);
      } catch {
        // /healthz primers and non-JSON bodies carry no token
      }
    },
  };
  return {
    requests: [request],
    primers: opts.connections,
    beforeRun: () => {
      primed = 0;
    },
    left: () => queue.length,
    starved: () => starved,
  };
}
