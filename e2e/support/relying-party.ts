// A stand-in relying party: a plain HTTP server on 127.0.0.1 whose pages the
// browser lands on after Latchkey redirects back (callback, post-logout page).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RelyingParty {
  origin: string;
  close(): Promise<void>;
}

export async function startRelyingParty(): Promise<RelyingParty> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://rp');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><title>Relying party</title><h1>Relying party</h1><p>Landed on ${url.pathname} with ${[...url.searchParams.keys()].join(', ') || 'no parameters'}.</p></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
