/**
 * The BSN (burgerservicenummer) is special personal data: it is never stored in clear. We keep
 *  - a keyed hash (HMAC-SHA256 with BSN_KEY) to find a person again (duplicate koppeling), which
 *    cannot be reversed by hashing all 10^9 possible BSNs without the key;
 *  - the BSN encrypted with AES-256-GCM (same key), for the rare case that it must be shown or sent
 *    to DUO. Format `v1.<iv>.<tag>.<ciphertext>`, base64url parts, so the scheme can change later.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

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
