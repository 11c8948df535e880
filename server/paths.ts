// The project's root folder (where package.json is), found from this module's
// location so that views, public files and migrations resolve the same way
// whether Latchkey runs from source (tsx) or from the bundle in dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'prisma'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find Latchkey's folder above ${from}`);
  }
}

export const projectRoot = findRoot(import.meta.dirname);
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
export const migrationsDir = path.join(projectRoot, 'prisma', 'migrations');
