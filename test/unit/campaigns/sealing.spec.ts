import fc from 'fast-check';
import { deriveKey, keyringFrom, open, seal, SealingError } from '../../../src/campaigns/domain/sealing.js';
import { signPayload, verifyWithAny } from '../../../src/campaigns/domain/webhook-signature.js';
import { paymentSettingsProblems } from '../../../src/campaigns/domain/payment-settings.js';

const APP_SECRET = 'app-secret-app-secret-app-secret-0123456789';
const PLACE = 'tenant-a:webhook:webhook_secret';

describe('sealing payment secrets (AES-256-GCM under an HKDF-derived key)', () => {
  const ring = keyringFrom(APP_SECRET);

  it('opens what it sealed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(open(ring, seal(ring, text, PLACE), PLACE)).toBe(text);
      }),
    );
  });

  it('uses a fresh 12-byte IV for every value, keeps the 16-byte tag, and never the clear text', () => {
    const secret = 'whsec_0123456789abcdefghijklmnop';
    const a = seal(ring, secret, PLACE);
    const b = seal(ring, secret, PLACE);
    expect(a.iv).toHaveLength(12);
    expect(a.authTag).toHaveLength(16);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(Buffer.concat([a.iv, a.authTag, a.ciphertext]).includes(Buffer.from(secret))).toBe(false);
    expect(a.keyId).toBe(ring.currentKeyId);
    expect(a.keyId).toMatch(/^v1\.[0-9a-f]{12}$/);
  });

  it('derives the key with HKDF-SHA256 (info tremplin:payment-settings:v1), not from APP_SECRET directly', () => {
    const { key } = deriveKey(APP_SECRET);
    expect(key).toHaveLength(32);
    expect(key.toString('utf8')).not.toContain(APP_SECRET.slice(0, 16));
    expect(deriveKey(APP_SECRET).key.equals(key)).toBe(true);
    expect(deriveKey(`${APP_SECRET}x`).key.equals(key)).toBe(false);
  });

  it('refuses a tampered ciphertext, IV or tag', () => {
    const sealed = seal(ring, 'whsec_0123456789abcdefghijklmnop', PLACE);
    const flip = (b: Buffer, i = 0) => {
      const c = Buffer.from(b);
      c[i] ^= 0x01;
      return c;
    };
    for (const tampered of [
      { ...sealed, ciphertext: flip(sealed.ciphertext) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) },
      { ...sealed, iv: flip(sealed.iv) },
      { ...sealed, authTag: flip(sealed.authTag) },
      { ...sealed, ciphertext: sealed.ciphertext.subarray(1) },
    ]) {
      expect(() => open(ring, tampered, PLACE)).toThrow(new SealingError('tampered_or_wrong_key'));
    }
    expect(() => open(ring, { ...sealed, authTag: sealed.authTag.subarray(0, 8) }, PLACE)).toThrow(new SealingError('malformed'));
  });

  it('refuses a value moved to another place (another authority or field)', () => {
    const sealed = seal(ring, 'whsec_0123456789abcdefghijklmnop', PLACE);
    expect(() => open(ring, sealed, 'tenant-b:webhook:webhook_secret')).toThrow(SealingError);
  });

  it('refuses the wrong key: another APP_SECRET under the same key id, or a key it does not hold', () => {
    const sealed = seal(ring, 'whsec_0123456789abcdefghijklmnop', PLACE);
    const other = keyringFrom('another-app-secret-another-app-secret-00');
    expect(() => open(other, sealed, PLACE)).toThrow(new SealingError('unknown_key'));
    // Even told the key id, a wrong key does not open it.
    const forged = { currentKeyId: sealed.keyId, keys: new Map([[sealed.keyId, other.keys.get(other.currentKeyId)!]]) };
    expect(() => open(forged, sealed, PLACE)).toThrow(new SealingError('tampered_or_wrong_key'));
  });

  it('keeps opening values sealed under an older APP_SECRET kept in the keyring, and seals with the new one', () => {
    const sealed = seal(ring, 'whsec_0123456789abcdefghijklmnop', PLACE);
    const next = keyringFrom('the-next-app-secret-the-next-app-secret-0', [APP_SECRET]);
    expect(open(next, sealed, PLACE)).toBe('whsec_0123456789abcdefghijklmnop');
    expect(seal(next, 'x', PLACE).keyId).not.toBe(sealed.keyId);
  });
});

describe('webhook signatures during a rotation', () => {
  const now = new Date('2026-09-01T08:00:00Z');
  const body = Buffer.from('{"id":"evt_1"}');
  const header = (secret: string) => signPayload(secret, body, Math.floor(now.getTime() / 1000));
  const NEW = 'new-secret-new-secret-new-secret';
  const OLD = 'old-secret-old-secret-old-secret';

  it('accepts a signature made with any of the given secrets, and only those', () => {
    expect(verifyWithAny([NEW, OLD], body, header(NEW), now)).toEqual({ ok: true });
    expect(verifyWithAny([NEW, OLD], body, header(OLD), now)).toEqual({ ok: true });
    expect(verifyWithAny([NEW], body, header(OLD), now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWithAny([NEW, OLD], body, undefined, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyWithAny([], body, header(NEW), now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('checks the settings input', () => {
    expect(paymentSettingsProblems({ webhookSecret: NEW, checkoutUrl: 'https://pay.example.org/checkout' })).toEqual([]);
    expect(paymentSettingsProblems({ checkoutUrl: null })).toEqual([]);
    expect(paymentSettingsProblems({ webhookSecret: 'short', checkoutUrl: 'javascript:alert(1)' }).map((p) => p.field)).toEqual([
      'webhookSecret',
      'checkoutUrl',
    ]);
    expect(paymentSettingsProblems({ webhookSecret: 'with spaces with spaces with spaces' }).map((p) => p.field)).toEqual(['webhookSecret']);
    expect(paymentSettingsProblems({ checkoutUrl: 'https://user:pass@pay.example.org/' }).map((p) => p.field)).toEqual(['checkoutUrl']);
  });
});
