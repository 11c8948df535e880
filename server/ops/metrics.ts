// Prometheus metrics: request counts and latencies by route and status, plus
// Node process metrics. One registry per app so tests can build many apps.
import type { FastifyInstance, RouteOptions, onResponseHookHandler } from 'fastify';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { addRouteHook } from '../http/route-hooks.ts';

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

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
type RequestLabels = { method: string; route: string; status: string };

/** one (method, route, status) series of plain numbers; the registry reads them when scraped */
class RequestSeries {
  count = 0;
  sum = 0;
  /** observations per bucket (not cumulative); above the last bound only `count` moves */
  readonly perBucket = new Float64Array(BUCKETS.length);
  constructor(readonly labels: RequestLabels) {}

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    if (i < BUCKETS.length) this.perBucket[i]!++;
  }
}

/**
 * `latchkey_http_requests_total` (counter) and `latchkey_http_request_duration_seconds`
 * (histogram) over the same series, in prom-client's exposition format. Not
 * prom-client's own Counter and Histogram: a bound child of theirs still
 * validates and hashes its labels on every observation (3-4% of a JWKS request).
 */
function requestMetrics(registry: Registry): (labels: RequestLabels) => RequestSeries {
  const all: RequestSeries[] = [];
  const metric = (name: string, help: string, type: 'counter' | 'histogram', values: () => object[]) => ({
    name, help, type, aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => all.forEach((s) => { s.count = 0; s.sum = 0; s.perBucket.fill(0); }),
  });
  registry.registerMetric(metric('latchkey_http_requests_total', 'HTTP requests by method, route and status', 'counter',
    () => all.map((s) => ({ labels: s.labels, value: s.count }))) as never);
  const histogram = 'latchkey_http_request_duration_seconds';
  registry.registerMetric(metric(histogram, 'HTTP request latency by method, route and status', 'histogram', () => all.flatMap((s) => {
    let cumulative = 0;
    return [
      ...BUCKETS.map((le, i) => ({ metricName: `${histogram}_bucket`, labels: { le }, sharedLabels: s.labels, value: (cumulative += s.perBucket[i]!) })),
      { metricName: `${histogram}_bucket`, labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count },
      { metricName: `${histogram}_sum`, labels: s.labels, value: s.sum },
      { metricName: `${histogram}_count`, labels: s.labels, value: s.count },
    ];
  })) as never);
  return (labels) => {
    const series = new RequestSeries(labels);
    all.push(series);
    return series;
  };
}

/** counts one answer of a route: method, status and latency in seconds */
export type RequestRecorder = (method: string, status: number, seconds: number) => void;

/**
 * Request counts and latencies by method, route pattern and status. Each route
 * gets its own onResponse hook (an onRoute hook) with its route's recorder
 * bound, so a request costs two map lookups and a few additions. Unmatched
 * URLs are counted as route "unmatched". `app.requestRecorder(route)` gives
 * answers made outside Fastify's routes (http/fast-path.ts) the same series.
 */
export function instrumentRequests(app: FastifyInstance, metrics: Metrics): void {
  const newSeries = requestMetrics(metrics.registry);
  const recorders = new Map<string, RequestRecorder>();

  function recorderFor(route: string): RequestRecorder {
    let recorder = recorders.get(route);
    if (recorder) return recorder;
    const byMethod = new Map<string, Map<number, RequestSeries>>();
    recorder = (method, status, seconds) => {
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = new Map()));
      let series = byStatus.get(status);
      // the route pattern, never the raw URL: ids and tokens must not become labels
      if (!series) byStatus.set(status, (series = newSeries({ method, route, status: String(status) })));
      series.observe(seconds);
    };
    recorders.set(route, recorder);
    return recorder;
  }

  function onResponse(route: string): onResponseHookHandler {
    const record = recorderFor(route);
    return function recordRequest(request, reply, done) {
      record(request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
  }

  app.decorate('requestRecorder', recorderFor);
  app.addHook('onRoute', (route: RouteOptions) => {
    addRouteHook(route, 'onResponse', onResponse(route.url));
  });
  const unmatched = onResponse('unmatched');
  app.addHook('onResponse', (request, reply, done) => (request.is404 ? unmatched.call(app, request, reply, done) : done()));
}

declare module 'fastify' {
  interface FastifyInstance {
    /** the metrics recorder of a route pattern (the one its onResponse hook uses) */
    requestRecorder: (route: string) => RequestRecorder;
  }
}
