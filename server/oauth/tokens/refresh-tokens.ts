// Opaque refresh tokens: 256 random bits, only their SHA-256 is stored.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { randomToken, sha256 } from '../../security/crypto.ts';

export function newRefreshToken(): { id: string; token: string; hash: string } {
  const token = randomToken(32);
  return { id: randomUUID(), token, hash: sha256(token) };
}

export async function storeRefreshToken(app: FastifyInstance, sessionId: string, scope: string[]): Promise<string> {
  const rt = newRefreshToken();
  await app.db.refreshToken.create({
    data: { id: rt.id, sessionId, tokenHash: rt.hash, scope: scope.join(' '), expiresAt: new Date(Date.now() + app.config.refreshTokenTtl * 1000) },
  });
  return rt.token;
}
