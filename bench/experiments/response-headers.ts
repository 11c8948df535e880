// A raw node:http server (no Fastify) that answers GET /json like the bare
// Fastify baseline, with one thing changed per variant (VARIANT env):
//   (none)   content-type and content-length only, as the bare route sends
//   literal  plus the headers Latchkey's JWKS answer carries (CSP, nosniff,
//            cache-control, request id), written as one object literal
//   spread   the same headers as { ...shared, 'x-request-id': id, ... }: V8
//            gives each such object a new hidden class (about 12 µs a request
//            here), which is why http/fast-path.ts passes a flat array
//   body     165 more bytes of body instead
// Run all variants: bash bench/experiments/response-headers.sh
import { createServer } from 'node:http';

const variant = process.env.VARIANT ?? '';
const body = JSON.stringify(variant === 'body' ? { status: 'ok', pad: 'a'.repeat(165) } : { status: 'ok', issuer: 'http://127.0.0.1', keys: ['a', 'b'] });
const type = 'application/json; charset=utf-8';
const shared = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'public, max-age=300',
};
const id = 'd8aae50b-b143-4562-a18e-92a0f615f34f';

const headers: Record<string, () => Record<string, string>> = {
  literal: () => ({
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=300',
    'x-request-id': id,
    'content-type': type,
    'content-length': String(body.length),
  }),
  spread: () => ({ ...shared, 'x-request-id': id, 'content-type': type, 'content-length': String(body.length) }),
};
const plain = () => ({ 'content-type': type, 'content-length': String(body.length) });
const make = headers[variant] ?? plain;

createServer((_req, res) => {
  res.writeHead(200, make());
  res.end(body);
}).listen(Number(process.env.PORT ?? 4559), '127.0.0.1');
