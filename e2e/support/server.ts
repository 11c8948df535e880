// Starts Latchkey on a real port for end-to-end tests: a fresh database and
// Redis prefix (createTestApp) and ISSUER equal to the origin it listens on, so
// discovery, token `iss` and redirects agree with what the browser sees.
import net, { type AddressInfo } from 'node:net';
import { createTestApp, type TestContext } from '../../server/test/fixture.ts';

export interface E2eServer extends TestContext {
  issuer: string;
  port: number;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function startE2eServer(opts: Parameters<typeof createTestApp>[0] = {}): Promise<E2eServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const t = await createTestApp({ ...opts, env: { ...opts.env, ISSUER: issuer } });
    try {
      await t.app.listen({ port, host: '127.0.0.1' });
      return { ...t, issuer, port };
    } catch (err) {
      await t.close();
      // another process took the port between reserving and listening: try another
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
}
