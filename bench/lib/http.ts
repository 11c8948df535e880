// Small HTTP helpers for preparing benchmark data (not used under load).
export class Skip extends Error {}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export function basicAuth(id: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode each part before base64
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

export const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

export async function call(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = form(opts.form);
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(base + path, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed };
}

/** Turns a failed probe into a skip reason: 404 means the endpoint has not landed yet. */
export function expectOk(reply: Reply, what: string): Reply {
  if (reply.status === 404) throw new Skip('n/a (endpoint missing)');
  if (reply.status < 200 || reply.status > 299) {
    const err = typeof reply.body.error === 'string' ? ` ${reply.body.error}` : '';
    throw new Skip(`n/a (${what}: ${reply.status}${err})`);
  }
  return reply;
}

/** Runs fn n times with at most `parallel` in flight. */
export async function times<T>(n: number, parallel: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}
