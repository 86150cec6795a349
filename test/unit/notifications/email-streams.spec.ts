import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { ViewService } from '../../../src/common/web/view.service.js';
import { EmailRenderer } from '../../../src/notifications/email-renderer.service.js';
import type { Tenant } from '../../../src/tenants/tenant.entity.js';
import { EMAIL_CLASSES, STREAMS, streamOf } from '../../../src/notifications/domain/email-streams.js';
import { readUnsubscribe, signUnsubscribe, unsubscribeKey, type UnsubscribeSubject } from '../../../src/notifications/domain/unsubscribe-token.js';

const TENANT = '6f1c3a52-0b7e-4c1a-9d3e-2a4b5c6d7e8f';
const CAMPAIGN = 'a1b2c3d4-e5f6-4789-8abc-def012345678';

describe('e-mail classification', () => {
  it('classifies every template file, and names no template that does not exist', () => {
    const files = new Set(
      readdirSync(join(process.cwd(), 'templates/emails'))
        .filter((f) => f.endsWith('.hbs') && f !== 'layout.hbs')
        .map((f) => f.slice(0, -4)),
    );
    expect([...files].filter((t) => !Object.hasOwn(EMAIL_CLASSES, t))).toEqual([]);
    expect(Object.keys(EMAIL_CLASSES).filter((t) => !files.has(t))).toEqual([]);
  });

  it('puts mailings in a stream and never what a person asked for or is about their own file', () => {
    const bulk = {
      'campaign-update': 'campaign_updates',
      'campaign-opened': 'campaign_openings',
      'campaign-nudge': 'campaign_nudges',
      'jury-reminder': 'jury_reminders',
      'coaching-reminder': 'coaching_reminders',
      'coaching-digest': 'coaching_digest',
      'phase-changed': 'phase_notices',
    };
    for (const [t, s] of Object.entries(bulk)) expect([t, streamOf(t, {})]).toEqual([t, s]);
    for (const t of [
      'sign-in-link',
      'platform-sign-in-link',
      'invitation',
      'application-received',
      'contribution-confirmed',
      'contribution-settled',
      'coaching-session-invitation',
    ]) {
      expect([t, streamOf(t, {})]).toEqual([t, null]);
    }
    // A template nobody classified is sent (transactional), never silently dropped.
    expect(streamOf('some-new-template', {})).toBeNull();
    expect(streamOf('toString', {})).toBeNull();
  });

  it('sends the jury result to laureates and the waiting list as theirs, to the others as an announcement', () => {
    expect(streamOf('jury-result', { outcome: 'laureate' })).toBeNull();
    expect(streamOf('jury-result', { laureate: true })).toBeNull();
    expect(streamOf('jury-result', { waiting: true })).toBeNull();
    expect(streamOf('jury-result', { outcome: 'not_selected' })).toBe('results_announcements');
    expect(streamOf('jury-result', { notSelected: true })).toBe('results_announcements');
  });

  it('names every stream in every language, and has a "why" line for every transactional template', () => {
    const tr = sharedTranslations();
    for (const lang of tr.locales) {
      for (const s of Object.keys(STREAMS)) expect([lang, s, tr.t(lang, `unsubscribe.stream.${s}`)]).not.toEqual([lang, s, '']);
      for (const [t, c] of Object.entries(EMAIL_CLASSES)) {
        if (c === 'transactional' || typeof c === 'function')
          expect([lang, t, tr.t(lang, `email.${t}.why`, { site: 'x.test', authority: 'X' })]).not.toEqual([lang, t, '']);
      }
    }
  });
});

describe('unsubscribe token', () => {
  const key = unsubscribeKey('test-secret-test-secret-test-secret-0123');
  const subject: UnsubscribeSubject = { tenantId: TENANT, emailKey: 'ada@example.org', stream: 'campaign_updates', scopeId: CAMPAIGN };

  it('reads back what it names', () => {
    expect(readUnsubscribe(key, signUnsubscribe(key, subject))).toEqual(subject);
    const whole: UnsubscribeSubject = { tenantId: TENANT, emailKey: 'bob@example.org', stream: 'coaching_digest', scopeId: null };
    expect(readUnsubscribe(key, signUnsubscribe(key, whole))).toEqual(whole);
  });

  it('is URL-safe', () => {
    expect(signUnsubscribe(key, subject)).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('opens nothing when altered in any one character, signed with another secret, or made up', () => {
    const token = signUnsubscribe(key, subject);
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.nat(chars.length - 1), (i, c) => {
        const altered = token.slice(0, i) + chars[c] + token.slice(i + 1);
        return altered === token || readUnsubscribe(key, altered) === null;
      }),
    );
    expect(readUnsubscribe(unsubscribeKey('another-secret-another-secret-another-0'), token)).toBeNull();
    const body = Buffer.from(JSON.stringify([TENANT, 'eve@example.org', 'campaign_updates', CAMPAIGN])).toString('base64url');
    expect(readUnsubscribe(key, `${body}.${token.split('.')[1]}`)).toBeNull();
    for (const junk of ['', '.', 'abc', `${token}.x`, 'a'.repeat(2000)]) expect(readUnsubscribe(key, junk)).toBeNull();
  });

  it('refuses a well-signed token that names no stream, or a scope the stream does not take', () => {
    const forge = (parts: unknown[]) => {
      const body = Buffer.from(JSON.stringify(parts)).toString('base64url');
      // Signed as the real signer would, to test the checks after the signature.
      return `${body}.${createHmac('sha256', key).update(`u1.${body}`).digest('base64url')}`;
    };
    expect(readUnsubscribe(key, forge([TENANT, 'ada@example.org', 'campaign_updates', CAMPAIGN]))).toEqual(subject);
    expect(readUnsubscribe(key, forge([TENANT, 'ada@example.org', 'sign_in', null]))).toBeNull();
    expect(readUnsubscribe(key, forge([TENANT, 'ada@example.org', 'campaign_updates', null]))).toBeNull();
    expect(readUnsubscribe(key, forge([TENANT, 'ada@example.org', 'coaching_digest', CAMPAIGN]))).toBeNull();
    expect(readUnsubscribe(key, forge(['not-a-uuid', 'ada@example.org', 'coaching_digest', null]))).toBeNull();
  });
});

describe('e-mail footer', () => {
  const views = new ViewService();
  const renderer = new EmailRenderer(views);
  const tenant = {
    id: TENANT,
    slug: 'footer-city',
    name: 'Ville Test',
    primaryColor: '#1f4e9c',
    senderName: 'Ville Test',
    defaultLocale: 'fr',
    languages: ['fr', 'en', 'nl'],
  } as unknown as Tenant;

  it('gives a bulk e-mail its unsubscribe link, and a transactional one the reason it was sent, with no link', () => {
    const url = 'https://ville.example/unsubscribe/abc.def';
    const bulk = renderer.render(
      tenant,
      'campaign-update',
      'nl',
      { campaignTitle: 'C', title: 'T', body: 'B', link: 'https://ville.example/c' },
      'https://ville.example',
      {
        unsubscribeUrl: url,
      },
    );
    expect(bulk.html).toContain(`<a href="${url}">Afmelden</a>`);
    expect(bulk.text).toContain(`Afmelden (${url})`);
    const own = renderer.render(tenant, 'sign-in-link', 'fr', { name: 'Ada', minutes: 30, link: 'https://ville.example/l' }, 'https://ville.example');
    expect(own.text).toMatch(/Vous recevez ce message parce que vous avez demandé un lien de connexion sur ville\.example\.$/);
    expect(own.html).not.toContain('unsubscribe');
  });
});
