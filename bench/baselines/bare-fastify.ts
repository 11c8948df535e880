// Baseline (b): the framework ceiling — a bare Fastify 5 app (no plugins, no
// logging) with one route answering a small JSON body. Prints "ready".
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const body = { status: 'ok', issuer: 'http://127.0.0.1', keys: ['a', 'b'] };
app.get('/json', async () => body);
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
