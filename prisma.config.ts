// Prisma CLI configuration. Only `prisma generate` runs on machines without
// Prisma's binary host; migrations are applied by server/db/migrate.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/latchkey' },
});
