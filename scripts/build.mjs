// Bundles the server into dist/main.mjs for `npm start` and the container:
// loading ~300 TypeScript modules through tsx's hooks costs seconds of CPU at
// every start; the bundle starts in a fraction of that. Packages stay external.
import { build } from 'esbuild';

await build({
  entryPoints: ['server/main.ts'],
  outfile: 'dist/main.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  // packages that use require() inside the ESM bundle
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
