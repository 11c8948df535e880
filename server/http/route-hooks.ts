// Gives one route a hook of its own, from an onRoute hook (per-route hooks cost
// nothing on the routes that lack them). A route option holds a hook, an array
// of hooks, or nothing.
import type { RouteOptions } from 'fastify';

type Phase = 'onRequest' | 'preHandler' | 'onResponse';

export function addRouteHook<P extends Phase>(route: RouteOptions, phase: P, hook: NonNullable<RouteOptions[P]> extends Array<infer H> | infer H ? H : never, at: 'first' | 'last' = 'last'): void {
  const existing = ([] as unknown[]).concat(route[phase] ?? []);
  (route as Record<Phase, unknown>)[phase] = at === 'first' ? [hook, ...existing] : [...existing, hook];
}
