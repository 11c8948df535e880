// Operator CLI: `npm run cli -- <command>`. Works while the server runs (the
// embedded Postgres is shared through its postmaster.pid). Commands:
//   migrate                                   apply pending migrations
//   admin create --email E --password P [--name N]
//   migration create NAME                     write prisma/migrations/<ts>_NAME from schema.prisma (development)
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig, ConfigError } from '../config/config.ts';
import { commands, type Command } from './commands.ts';

const [name, ...rest] = process.argv.slice(2);
const sub = name && commands[`${name} ${rest[0] ?? ''}`.trim()] ? `${name} ${rest.shift()}` : name;
const command: Command | undefined = sub ? commands[sub] : undefined;
if (!command) {
  process.stderr.write(`usage: npm run cli -- <command>\n\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(18)} ${c.usage}`).join('\n')}\n`);
  process.exit(name ? 2 : 0);
}

try {
  const config = loadConfig();
  const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  const out = await command.run({ config, log, values: values as Record<string, string | string[] | boolean | undefined>, positionals });
  if (out !== undefined) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exit(0);
} catch (err) {
  process.stderr.write(`latchkey: ${err instanceof ConfigError ? 'configuration error: ' : ''}${(err as Error).message}\n`);
  process.exit(1);
}
