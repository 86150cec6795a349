import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret for links, sessions and API tokens: 256 bits, URL-safe. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256, so a database leak does not leak sign-ins. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function hmac(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Only same-site relative paths may be used as a redirect after sign-in. */
export function safeRedirectPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return undefined;
  return next.length > 500 ? undefined : next;
}
