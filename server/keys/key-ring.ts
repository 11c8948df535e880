// The signing keys as every instance sees them: loaded from Postgres and kept
// for a few seconds, so a rotation made by another instance (or the CLI) is
// picked up without a restart. Keys in state `next` are published before they
// sign anything and `previous` keys still verify, so rotation breaks nothing.
import type { JWK } from 'jose';
import type { Db } from '../db/client.ts';
import type { Config } from '../config/config.ts';
import type { KeyObject } from 'node:crypto';
import { importPrivateKey, importPublicKey, type SigningKeyLike } from './key-material.ts';
import { ensureSigningKeys } from './rotate-keys.ts';

export interface LoadedKey {
  kid: string;
  alg: string;
  state: 'next' | 'current' | 'previous' | 'retired';
  publicJwk: JWK;
  privateJwkEnc: string;
}

const TTL_MS = 5_000;

export interface SigningKey {
  kid: string;
  alg: string;
  key: KeyObject;
}

export class KeyRing {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  /** the current signing key and the loaded keys it was found in (freshSigningKey) */
  private signing?: { keys: LoadedKey[]; signing: SigningKey };
  /** the JWK Set serialised from the loaded keys (freshJwksJson) */
  private published?: { keys: LoadedKey[]; json: string };
  private loading?: Promise<void>;
  private readonly imported = new Map<string, Promise<SigningKeyLike>>();
  private readonly privateKeys = new Map<string, Promise<KeyObject>>();

  constructor(private readonly deps: { db: Db; config: Pick<Config, 'encryptionKey' | 'signingAlg'> }, private readonly ttlMs = TTL_MS) {}

  private load() {
    return this.deps.db.signingKey.findMany({ where: { state: { in: ['next', 'current', 'previous'] } }, orderBy: { createdAt: 'desc' } }) as unknown as Promise<LoadedKey[]>;
  }

  /** the loaded keys are within their TTL and `derived` was made from them */
  private fresh(derived: { keys: LoadedKey[] } | undefined): boolean {
    return derived?.keys === this.keys && Date.now() - this.loadedAt < this.ttlMs;
  }

  private async refresh(force = false): Promise<LoadedKey[]> {
    if (!force && Date.now() - this.loadedAt < this.ttlMs) return this.keys;
    this.loading ??= (async () => {
      try {
        let rows = await this.load();
        if (!rows.some((r) => r.state === 'current')) {
          await ensureSigningKeys(this.deps);
          rows = await this.load();
        }
        this.keys = rows;
        this.loadedAt = Date.now();
      } finally {
        this.loading = undefined;
      }
    })();
    await this.loading;
    return this.keys;
  }

  /** the key that signs new tokens */
  async signingKey(): Promise<SigningKey> {
    const keys = await this.refresh();
    const current = keys.find((k) => k.state === 'current');
    if (!current) throw new Error('no current signing key');
    let key = this.privateKeys.get(current.kid);
    if (!key) {
      key = importPrivateKey(current, this.deps.config.encryptionKey);
      key.catch(() => this.privateKeys.delete(current.kid));
      this.privateKeys.set(current.kid, key);
    }
    const signing = { kid: current.kid, alg: current.alg, key: await key };
    this.signing = { keys, signing };
    return signing;
  }

  /** signingKey() without waiting, while the keys it came from are fresh (the token endpoint's fast path) */
  freshSigningKey(): SigningKey | undefined {
    return this.fresh(this.signing) ? this.signing!.signing : undefined;
  }

  /** a published key by kid; null for unknown or retired kids. An unknown kid forces one reload (a rotation elsewhere). */
  async verificationKey(kid: string | undefined, alg: string | undefined): Promise<SigningKeyLike | null> {
    if (!kid) return null;
    let found = (await this.refresh()).find((k) => k.kid === kid);
    if (!found && Date.now() - this.loadedAt > 1_000) found = (await this.refresh(true)).find((k) => k.kid === kid);
    // the alg is pinned by the key, never taken from the token (RFC 8725 §2.1)
    if (!found || found.alg !== alg) return null;
    let key = this.imported.get(`pub:${kid}`);
    if (!key) {
      key = importPublicKey(found);
      this.imported.set(`pub:${kid}`, key);
    }
    return key;
  }

  /** RFC 7517 JWK Set: next, current and previous public keys */
  async jwks(): Promise<{ keys: JWK[] }> {
    return JSON.parse(await this.jwksJson()) as { keys: JWK[] };
  }

  /** the serialised JWK Set without waiting, if the loaded keys are fresh (the JWKS route's fast path) */
  freshJwksJson(): string | undefined {
    return this.fresh(this.published) ? this.published!.json : undefined;
  }

  /** the JWK Set, serialised once per set of loaded keys */
  async jwksJson(): Promise<string> {
    const keys = await this.refresh();
    if (this.published?.keys !== keys) {
      const jwks = { keys: keys.map((k) => ({ ...(k.publicJwk as JWK), kid: k.kid, alg: k.alg, use: 'sig' })) };
      this.published = { keys, json: JSON.stringify(jwks) };
    }
    return this.published.json;
  }

  /** drop the cache (after a local rotation) */
  invalidate(): void {
    this.loadedAt = 0;
  }
}

const rings = new WeakMap<object, KeyRing>();

/** one key ring per set of services (the db object), whichever encapsulated instance asks */
export function keyRing(app: { db: Db; config: Pick<Config, 'encryptionKey' | 'signingAlg'> }): KeyRing {
  let r = rings.get(app.db);
  if (!r) rings.set(app.db, (r = new KeyRing({ db: app.db, config: app.config })));
  return r;
}
