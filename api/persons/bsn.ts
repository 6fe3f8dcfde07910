/**
 * The BSN (burgerservicenummer) is special personal data: it is never stored in clear. We keep
 *  - a keyed hash (HMAC-SHA256 with BSN_KEY) to find a person again (duplicate koppeling), which
 *    cannot be reversed by hashing all 10^9 possible BSNs without the key;
 *  - the BSN encrypted with AES-256-GCM (same key), for the rare case that it must be shown or sent
 *    to DUO. Format `v1.<iv>.<tag>.<ciphertext>`, base64url parts, so the scheme can change later.
 * The id of the key that did both is stored beside them, so the key can be rotated (BsnKeyring).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { parseKeyList } from '../../config/config';

/** Dutch BSN: 9 digits passing the "elfproef" (weights 9..2 and -1, sum divisible by 11). */
export function isValidBsn(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn)) return false;
  const digits = [...bsn].map(Number);
  const sum = digits.slice(0, 8).reduce((acc, d, i) => acc + d * (9 - i), 0) - digits[8]!;
  return sum % 11 === 0 && sum !== 0;
}

const keyOf = (base64Key: string): Buffer => Buffer.from(base64Key, 'base64');

export function hashBsn(bsn: string, base64Key: string): string {
  return createHmac('sha256', keyOf(base64Key)).update(`bsn:${bsn}`).digest('hex');
}

export function encryptBsn(bsn: string, base64Key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(base64Key), iv);
  const ct = Buffer.concat([cipher.update(bsn, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function decryptBsn(stored: string, base64Key: string): string {
  const [version, iv, tag, ct] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || !ct) throw new Error('unknown BSN encryption format');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(base64Key), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}

export interface BsnKeyConfig {
  BSN_KEY: string;
  BSN_KEY_ID: string;
  /** Retired keys `id:base64key,...`, still read during a rotation (config/config.ts parseKeyList). */
  BSN_OLD_KEYS?: string | undefined;
}

/**
 * The BSN keys: the current one (new rows, and rows moved by `npm run bsn:rotate`) and the retired
 * ones that rows may still carry (`Persoonsgegevens.bsnKeyId` says which). Rotation without
 * downtime, like PAYLOAD_KEY's:
 *  1. deploy with BSN_KEY=<new>, BSN_KEY_ID=<new id>, BSN_OLD_KEYS=<old id>:<old key>: new rows get
 *     the new key, and a lookup hashes the BSN with every key, so rows on either key are found;
 *  2. `npm run bsn:rotate` re-encrypts and re-hashes the old rows, one at a time, while the API runs;
 *  3. when it reports none left, remove the old key from BSN_OLD_KEYS.
 */
export class BsnKeyring {
  private readonly keys: ReadonlyMap<string, string>;

  constructor(
    readonly currentId: string,
    currentKey: string,
    oldKeys: ReadonlyMap<string, string> = new Map(),
  ) {
    this.keys = new Map([[currentId, currentKey], ...[...oldKeys].filter(([id]) => id !== currentId)]);
  }

  static fromConfig(config: BsnKeyConfig): BsnKeyring {
    return new BsnKeyring(config.BSN_KEY_ID, config.BSN_KEY, parseKeyList(config.BSN_OLD_KEYS));
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** The hash new rows store. */
  hash(bsn: string): string {
    return hashBsn(bsn, this.keys.get(this.currentId)!);
  }

  /** The hash under every key (current first): what a lookup searches for during a rotation. */
  lookupHashes(bsn: string): string[] {
    return [...this.keys.values()].map((key) => hashBsn(bsn, key));
  }

  encrypt(bsn: string): string {
    return encryptBsn(bsn, this.keys.get(this.currentId)!);
  }

  /** Throws when the key `keyId` is not configured (any more). */
  decrypt(stored: string, keyId: string): string {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`BSN key ${keyId} is not configured (add it to BSN_OLD_KEYS)`);
    return decryptBsn(stored, key);
  }
}

const keyrings = new WeakMap<object, BsnKeyring>();
/** One keyring per loaded configuration. */
export function bsnKeyring(config: BsnKeyConfig): BsnKeyring {
  let keyring = keyrings.get(config);
  if (!keyring) keyrings.set(config, (keyring = BsnKeyring.fromConfig(config)));
  return keyring;
}
