// argon2id password hashing. The native binding hashes on libuv's thread pool,
// off the event loop. A dummy hash keeps sign-in timing the same for unknown
// emails (no enumeration through timing).
import argon2 from 'argon2';
import type { Config } from '../config/config.ts';

export type Argon2Params = Config['argon2'];

export class PasswordHasher {
  private dummy?: Promise<string>;
  /** how every hash made with the current parameters begins (the PHC string node-argon2 writes) */
  readonly currentPrefix: string;

  constructor(private readonly params: Argon2Params) {
    this.currentPrefix = `$argon2id$v=19$m=${params.memoryCost},p=${params.parallelism},t=${params.timeCost}$`;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    if (!hash) {
      // same work as a real check, then fail
      this.dummy ??= this.hash('latchkey-dummy-password');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** true when the hash was made with other parameters: rehash after a successful login */
  needsRehash(hash: string): boolean {
    // the common case without parsing the hash a second time (verify parsed it already)
    return !hash.startsWith(this.currentPrefix) && argon2.needsRehash(hash, { ...this.params });
  }
}
