// Creating and rotating signing keys. Both run under one Postgres advisory
// lock, so instances starting together (or a CLI rotation racing a start)
// never create two current keys.
import type { Db } from '../db/client.ts';
import type { Config } from '../config/config.ts';
import { generateSigningKey } from './key-material.ts';

type Deps = { db: Db; config: Pick<Config, 'encryptionKey' | 'signingAlg'> };
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const LOCK_ID = 0x1a7c4b3; // arbitrary, constant: "latchkey signing keys"

async function withKeyLock<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_ID})::text AS locked`);
    return fn(tx as Tx);
  }, { timeout: 30_000, maxWait: 10_000 });
}

async function insertKey(tx: Tx, deps: Deps, state: 'next' | 'current') {
  const key = await generateSigningKey(deps.config.signingAlg, deps.config.encryptionKey);
  await tx.signingKey.create({ data: { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk as object, privateJwkEnc: key.privateJwkEnc, state, activatedAt: state === 'current' ? new Date() : null } });
  return key.kid;
}

/** First start: a current key and the next one, unless another instance made them. */
export async function ensureSigningKeys(deps: Deps): Promise<void> {
  const has = await deps.db.signingKey.count({ where: { state: 'current' } });
  if (has) return;
  await withKeyLock(deps.db, async (tx) => {
    if (await tx.signingKey.count({ where: { state: 'current' } })) return;
    const next = await tx.signingKey.findFirst({ where: { state: 'next' } });
    if (next) await tx.signingKey.update({ where: { kid: next.kid }, data: { state: 'current', activatedAt: new Date() } });
    else await insertKey(tx, deps, 'current');
    await insertKey(tx, deps, 'next');
  });
}

/** next → current → previous → retired, and a fresh next (with the configured alg). */
export async function rotateSigningKeys(deps: Deps): Promise<{ current: string; next: string; previous: string | null }> {
  await ensureSigningKeys(deps);
  return withKeyLock(deps.db, async (tx) => {
    const now = new Date();
    await tx.signingKey.updateMany({ where: { state: 'previous' }, data: { state: 'retired', retiredAt: now } });
    const current = await tx.signingKey.findFirst({ where: { state: 'current' } });
    if (current) await tx.signingKey.update({ where: { kid: current.kid }, data: { state: 'previous' } });
    const next = await tx.signingKey.findFirst({ where: { state: 'next' }, orderBy: { createdAt: 'asc' } });
    let currentKid: string;
    if (next) {
      await tx.signingKey.update({ where: { kid: next.kid }, data: { state: 'current', activatedAt: now } });
      currentKid = next.kid;
    } else currentKid = await insertKey(tx, deps, 'current');
    const nextKid = await insertKey(tx, deps, 'next');
    return { current: currentKid, next: nextKid, previous: current?.kid ?? null };
  });
}
