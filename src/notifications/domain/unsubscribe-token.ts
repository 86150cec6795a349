import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { type EmailStream, isStream, STREAMS } from './email-streams.js';

/**
 * The unsubscribe link's token names what it stops — authority, address (its e-mail key), stream and,
 * for a scoped stream, the campaign — and carries an HMAC-SHA256 of that under a key derived from
 * APP_SECRET by HKDF (as the payment secrets' key, with its own info): no table of tokens, and a token
 * altered by one character, or made up, opens nothing. It does not expire: RFC 8058 links must keep
 * working for as long as the e-mail sits in a mailbox.
 */
export interface UnsubscribeSubject {
  tenantId: string;
  emailKey: string;
  stream: EmailStream;
  scopeId: string | null;
}

const VERSION = 'u1';
const SALT = Buffer.from('tremplin:unsubscribe:salt', 'utf8');
const INFO = `tremplin:unsubscribe:${VERSION}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An address as suppressions key it: trimmed and lower-cased (as contributions' `email_key`). */
export function emailKeyOf(address: string): string {
  return address.trim().toLowerCase();
}

export function unsubscribeKey(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, SALT, INFO, 32));
}

function sign(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${VERSION}.${body}`).digest();
}

export function signUnsubscribe(key: Buffer, s: UnsubscribeSubject): string {
  const body = Buffer.from(JSON.stringify([s.tenantId, s.emailKey, s.stream, s.scopeId])).toString('base64url');
  return `${body}.${sign(key, body).toString('base64url')}`;
}

/** What a token stops, or null when it was not signed with this key or names nothing that can be stopped. */
export function readUnsubscribe(key: Buffer, token: string): UnsubscribeSubject | null {
  if (token.length > 1000) return null;
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const sent = Buffer.from(m[2], 'base64url');
  const expected = sign(key, m[1]);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== 4) return null;
  const [tenantId, emailKey, stream, scopeId] = parts as unknown[];
  if (typeof tenantId !== 'string' || !UUID.test(tenantId) || typeof emailKey !== 'string' || !emailKey || !isStream(stream)) return null;
  if (STREAMS[stream].scoped ? typeof scopeId !== 'string' || !UUID.test(scopeId) : scopeId !== null) return null;
  return { tenantId, emailKey, stream, scopeId: scopeId as string | null };
}
