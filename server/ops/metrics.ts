// Prometheus metrics: request counts and latencies by route and status, plus
// Node process metrics. One registry per app so tests can build many apps.
import type { FastifyInstance, RouteOptions, onResponseHookHandler } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** count of security events (login.failed, refresh.reused, ...) by name */
  events: Counter<'event'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  const events = new Counter({ name: 'latchkey_events_total', help: 'Security and account events by name', labelNames: ['event'] as const, registers: [registry] });
  return { registry, events };
}

/**
 * Request counts and latencies by method, route pattern and status. Each route
 * gets its own onResponse hook (an onRoute hook) with its labels bound, so a
 * request costs two map lookups, not a label object, a hash and Fastify's
 * routeOptions getter. Unmatched URLs are counted as route "unmatched".
 */
export function instrumentRequests(app: FastifyInstance, metrics: Metrics): void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'latchkey_http_requests_total', help: 'HTTP requests by method, route and status', labelNames, registers: [metrics.registry] });
  const duration = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });

  function recorder(route: string): onResponseHookHandler {
    const byStatus = new Map<string, { count: Counter.Internal; time: Histogram.Internal<string> }>();
    return function recordRequest(request, reply, done) {
      const key = `${request.method} ${reply.statusCode}`;
      let series = byStatus.get(key);
      if (!series) {
        // the route pattern, never the raw URL: ids and tokens must not become labels
        const labels = { method: request.method, route, status: String(reply.statusCode) };
        byStatus.set(key, (series = { count: requests.labels(labels), time: duration.labels(labels) }));
      }
      series.count.inc();
      series.time.observe(reply.elapsedTime / 1000);
      done();
    };
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    route.onResponse = [...([] as onResponseHookHandler[]).concat(route.onResponse ?? []), recorder(route.url)];
  });
  const unmatched = recorder('unmatched');
  app.addHook('onResponse', (request, reply, done) => (request.is404 ? unmatched.call(app, request, reply, done) : done()));
}
