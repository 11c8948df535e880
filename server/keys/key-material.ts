// Generates and (de)serialises one asymmetric signing key. The private JWK is
// sealed with AES-256-GCM under a key derived for this purpose only, bound to
// its kid so a sealed key cannot be swapped onto another row.
import { exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type JWK, type CryptoKey } from 'jose';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/config.ts';
import { decrypt, deriveKey, encrypt } from '../security/crypto.ts';

export type SigningKeyLike = CryptoKey | KeyObject | Uint8Array;

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  privateJwkEnc: string;
}

export const keyPurpose = 'signing-keys';

export async function generateSigningKey(alg: SigningAlg, encryptionKey: Buffer): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}), ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  const sealed = encrypt(deriveKey(encryptionKey, keyPurpose), JSON.stringify(privateJwk), kid);
  return { kid, alg, publicJwk: { ...publicJwk, kid, alg, use: 'sig' }, privateJwkEnc: sealed };
}

/** a node KeyObject: signing with node:crypto directly costs half the CPU of WebCrypto (see tokens/sign-jwt.ts) */
export async function importPrivateKey(row: { kid: string; alg: string; privateJwkEnc: string }, encryptionKey: Buffer): Promise<KeyObject> {
  const jwk = JSON.parse(decrypt(deriveKey(encryptionKey, keyPurpose), row.privateJwkEnc, row.kid)) as JWK;
  return createPrivateKey({ key: jwk as never, format: 'jwk' });
}

export async function importPublicKey(row: { alg: string; publicJwk: unknown }): Promise<SigningKeyLike> {
  return importJWK(row.publicJwk as JWK, row.alg);
}
