import { createHmac, timingSafeEqual } from 'node:crypto';

/** Events older or newer than this are refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `Tremplin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (Stripe's scheme). */
export function signPayload(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined, now: Date): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const given = parts.v1;
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/i.test(given)) return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const received = Buffer.from(given, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/**
 * Accepts a signature made with any of the secrets (an authority's new and previous secrets during a
 * rotation). Each is checked in constant time; the reason given is the first secret's, as
 * missing/malformed/stale do not depend on the secret.
 */
export function verifyWithAny(secrets: readonly string[], rawBody: Buffer, header: string | undefined, now: Date): SignatureCheck {
  let first: SignatureCheck = { ok: false, reason: 'mismatch' };
  for (const [i, secret] of secrets.entries()) {
    const check = verifySignature(secret, rawBody, header, now);
    if (check.ok) return check;
    if (i === 0) first = check;
  }
  return first;
}
