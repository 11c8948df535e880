// The CLI's command registry: one entry per command; later features add theirs here.
import type { ParseArgsConfig } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { startRuntime } from '../runtime.ts';
import { migrate } from '../db/migrate.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { createAdminUser } from '../accounts/admin-user.ts';
import { PasswordHasher } from '../security/passwords.ts';
import { createMigration } from './create-migration.ts';
import { clientCreateCommand } from '../clients/client-cli.ts';
import { keysRotateCommand } from '../keys/keys-cli.ts';

export interface CommandContext {
  config: Config;
  log: Logger;
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
}

export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** the value returned is printed as JSON on stdout */
  run(ctx: CommandContext): Promise<unknown>;
}

const required = (ctx: CommandContext, name: string): string => {
  const v = ctx.values[name];
  if (typeof v !== 'string' || v === '') throw new Error(`--${name} is required`);
  return v;
};

export const commands: Record<string, Command> = {
  'client create': clientCreateCommand,
  'keys rotate': keysRotateCommand,
  migrate: {
    usage: 'apply pending database migrations',
    options: {},
    async run({ config, log }) {
      const rt = await startRuntime(config, log, { migrate: false });
      try {
        return { applied: await migrate(rt.databaseUrl) };
      } finally {
        await rt.close();
      }
    },
  },
  'admin create': {
    usage: '--email E --password P [--name N]   create a verified admin',
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
    async run(ctx) {
      const rt = await startRuntime(ctx.config, ctx.log);
      try {
        const user = await createAdminUser(rt.services.db, new PasswordHasher(ctx.config.argon2), required(ctx, 'email'), required(ctx, 'password'), ctx.values.name as string | undefined);
        return { id: user.id, email: user.email };
      } finally {
        await rt.close();
      }
    },
  },
  'migration create': {
    usage: 'NAME   write a migration that brings the migrations up to schema.prisma (development)',
    options: {},
    async run({ config, positionals }) {
      const name = positionals[0];
      if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('give the migration a snake_case NAME');
      const pg = await startEmbeddedPostgres({ dataDir: config.dataDir, database: `migration_${Date.now()}` });
      try {
        return await createMigration(pg.url, name);
      } finally {
        await pg.stop();
      }
    },
  },
};
