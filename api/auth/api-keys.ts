/**
 * API keys: `ir_` + 32 random bytes (base64url). Only the SHA-256 hash is stored; the key itself
 * is shown once when issued. A fast hash is enough here because the key has 256 bits of entropy
 * (no dictionary to try), and it lets us look a key up by its hash in one indexed query.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'ir_';

export interface IssuedApiKey {
  /** Shown to the admin once, never stored. */
  plaintext: string;
  hash: string;
  /** First characters, stored so an admin can tell keys apart in a list. */
  prefix: string;
}

export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

export function generateApiKey(): IssuedApiKey {
  const plaintext = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { plaintext, hash: hashApiKey(plaintext), prefix: plaintext.slice(0, 10) };
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX) && token.length > API_KEY_PREFIX.length + 20;
}
