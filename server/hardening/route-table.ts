// Latchkey's route table, read from Fastify's own router (printRoutes), so the
// fuzzer reaches every route that exists, including ones added after it was
// written.
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  /** path pattern as registered: `/admin/api/users/:id`, `/docs/*` */
  url: string;
}

/** Parses the tree of `printRoutes({ commonPrefix: false })`: each level indents by 4 columns. */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  const stack: string[] = [];
  const out: RouteEntry[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) out.push({ method, url: path });
  }
  return out;
}
