// The documents every relying party fetches, the same for everyone (the JWK
// Set and the discovery metadata), are answered straight from Node's HTTP
// server, before Fastify's router, hooks and request objects: the Fastify
// route with Latchkey's hooks costs about a quarter more CPU than such an
// answer (bench/, README Performance). The answer is the one the route would give: same body, same
// headers, counted in the route's metrics series.
//
// The routes stay, and answer everything out of the ordinary: another method
// (HEAD), a query string or trailing slash, an Origin header (CORS), keys due
// for a reload, request logging at `info` (Fastify logs each request), and
// every request once shutdown has begun (Fastify answers 503).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import type { RequestRecorder } from '../ops/metrics.ts';
import { requestId } from './request-id.ts';

export interface PublishedDocument {
  /** the serialised JSON, or undefined when the route must answer (keys due for a reload) */
  json: () => string | undefined;
  cacheControl: string;
}

interface Entry {
  json: () => string | undefined;
  /** name, value, name, value...: a new array per answer costs nothing, while an object
   *  spread from a shared one ({ ...headers, more }) costs V8 a new hidden class each time (12 µs) */
  headers: string[];
  record: RequestRecorder;
}

export class FastPath {
  readonly #documents = new Map<string, Entry>();
  #open = false;

  /** Answers GET `url` with the document, outside Fastify, once the app is ready. */
  publish(app: FastifyInstance, url: string, doc: PublishedDocument): void {
    this.#documents.set(url, {
      json: doc.json,
      headers: Object.entries({
        ...app.securityHeaders.api,
        // @fastify/cors marks every answer of a CORS path as varying by Origin
        ...(app.config.corsOrigins.length ? { vary: 'Origin' } : {}),
        'cache-control': doc.cacheControl,
        'content-type': 'application/json; charset=utf-8',
      }).flat(),
      record: app.requestRecorder(url),
    });
  }

  /** from onReady to preClose, unless every request is logged */
  open(app: FastifyInstance): void {
    this.#open = !['info', 'debug', 'trace'].includes(app.log.level);
  }

  close(): void {
    this.#open = false;
  }

  /** true when it answered the request; false leaves it to Fastify */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.#open || req.method !== 'GET' || req.headers.origin !== undefined) return false;
    const doc = this.#documents.get(req.url!);
    const json = doc?.json();
    if (json === undefined) return false;
    const started = performance.now();
    res.writeHead(200, [...doc!.headers, 'x-request-id', requestId(req), 'content-length', String(Buffer.byteLength(json))]);
    res.end(json);
    doc!.record('GET', 200, (performance.now() - started) / 1000);
    return true;
  }
}

/** Fastify's HTTP/1 server, with the fast path in front of Fastify's handler */
export function serverWithFastPath(fastPath: FastPath): FastifyServerFactory {
  return (handler, fastifyOptions) => {
    const options = fastifyOptions as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
    const server = createServer((req, res) => {
      if (!fastPath.answer(req, res)) handler(req, res);
    });
    // what Fastify sets on a server it makes itself (fastify/lib/server.js)
    server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
    server.requestTimeout = options.requestTimeout ?? 0;
    server.setTimeout(options.connectionTimeout ?? 0);
    return server;
  };
}
