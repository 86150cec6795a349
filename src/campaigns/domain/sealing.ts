import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (authorities' payment provider credentials): AES-256-GCM under a key derived from
 * APP_SECRET by HKDF-SHA256, a random 12-byte IV per value, the 16-byte tag stored beside it.
 * Each sealed value names the key that sealed it (`keyId`), so that APP_SECRET can change later: a
 * keyring holds the current key (used to seal) and older ones (still able to open until re-sealed).
 * The additional data binds a value to its place (authority, provider, field): a ciphertext copied
 * into another authority's row does not open.
 */

/** Bumped if the derivation or the cipher ever changes; part of the HKDF info and of every key id. */
const VERSION = 'v1';
const INFO = `tremplin:payment-settings:${VERSION}`;
/** A fixed, public salt (RFC 5869 allows it): APP_SECRET is the source of entropy. */
const SALT = Buffer.from('tremplin:payment-settings:salt', 'utf8');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedValue {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

export interface Keyring {
  /** The key new values are sealed with. */
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class SealingError extends Error {
  constructor(readonly reason: 'unknown_key' | 'tampered_or_wrong_key' | 'malformed') {
    super(`sealed value cannot be opened: ${reason}`);
    this.name = 'SealingError';
  }
}

export function deriveKey(appSecret: string): { keyId: string; key: Buffer } {
  const key = Buffer.from(hkdfSync('sha256', appSecret, SALT, INFO, 32));
  // A fingerprint of the derived key (never of APP_SECRET itself): tells which secret sealed a value.
  const keyId = `${VERSION}.${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
  return { keyId, key };
}

/** The current APP_SECRET first; older ones (if any) only open what they sealed. */
export function keyringFrom(currentAppSecret: string, olderAppSecrets: readonly string[] = []): Keyring {
  const current = deriveKey(currentAppSecret);
  const keys = new Map<string, Buffer>([[current.keyId, current.key]]);
  for (const s of olderAppSecrets) {
    const k = deriveKey(s);
    if (!keys.has(k.keyId)) keys.set(k.keyId, k.key);
  }
  return { currentKeyId: current.keyId, keys };
}

export function seal(ring: Keyring, plaintext: string, additionalData: string): SealedValue {
  const key = ring.keys.get(ring.currentKeyId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: ring.currentKeyId, iv, authTag: cipher.getAuthTag(), ciphertext };
}

export function open(ring: Keyring, sealed: SealedValue, additionalData: string): string {
  const key = ring.keys.get(sealed.keyId);
  if (!key) throw new SealingError('unknown_key');
  if (sealed.iv.length !== IV_BYTES || sealed.authTag.length !== TAG_BYTES) throw new SealingError('malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(sealed.authTag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SealingError('tampered_or_wrong_key');
  }
}
