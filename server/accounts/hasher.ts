// One PasswordHasher per app (its dummy hash for unknown emails is computed once).
import type { FastifyInstance } from 'fastify';
import { PasswordHasher } from '../security/passwords.ts';

const hashers = new WeakMap<FastifyInstance, PasswordHasher>();

export function passwordHasher(app: FastifyInstance): PasswordHasher {
  let h = hashers.get(app);
  if (!h) hashers.set(app, (h = new PasswordHasher(app.config.argon2)));
  return h;
}
