import fc from 'fast-check';
import { REDACTED, redactUrl } from '../../../src/common/redact-url.js';

const TOKEN = 'dGhpcy1pcy1hLXNlY3JldC10b2tlbi0wMTIzNDU2Nzg5';

describe('redactUrl', () => {
  it('hides the secret path segments: sign-in links, calendar feeds, contribution references', () => {
    expect(redactUrl(`/sign-in/link/${TOKEN}`)).toBe(`/sign-in/link/${REDACTED}`);
    expect(redactUrl(`/t/ville-lille/sign-in/link/${TOKEN}?lang=en`)).toBe(`/t/ville-lille/sign-in/link/${REDACTED}?lang=en`);
    expect(redactUrl(`https://lille.example.org/sign-in/link/${TOKEN}`)).toBe(`https://lille.example.org/sign-in/link/${REDACTED}`);
    expect(redactUrl(`/coaching/calendar/${TOKEN}.ics`)).toBe(`/coaching/calendar/${REDACTED}.ics`);
    expect(redactUrl(`/t/x1/coaching/calendar/${TOKEN}`)).toBe(`/t/x1/coaching/calendar/${REDACTED}`);
    expect(redactUrl('/contributions/5b0c3a51-1f34-4a0e-9d6e-0d6a8d1c2b3a')).toBe(`/contributions/${REDACTED}`);
    expect(redactUrl('/api/contributions/5b0c3a51-1f34-4a0e-9d6e-0d6a8d1c2b3a?lang=fr')).toBe(`/api/contributions/${REDACTED}?lang=fr`);
    // A link to a person's data downloads all of it; the staff's request page is an id and stays.
    expect(redactUrl(`/t/x1/privacy/requests/${TOKEN}/archive.zip`)).toBe(`/t/x1/privacy/requests/${REDACTED}/archive.zip`);
    expect(redactUrl('/privacy/requests/new?kind=erasure')).toBe('/privacy/requests/new?kind=erasure');
    expect(redactUrl(`/api/privacy/links/${TOKEN}/data`)).toBe(`/api/privacy/links/${REDACTED}/data`);
    expect(redactUrl('/staff/privacy/requests/0b7e7c2a-4f7e-4a1e-9c1e-2f0c1a2b3c4d')).toBe('/staff/privacy/requests/0b7e7c2a-4f7e-4a1e-9c1e-2f0c1a2b3c4d');
    expect(redactUrl(`/applications/contact-email/${TOKEN}`)).toBe(`/applications/contact-email/${REDACTED}`);
    // An unsubscribe token names the address it stops.
    expect(redactUrl(`/t/x1/unsubscribe/${TOKEN}.${TOKEN}/resubscribe?saved=1`)).toBe(`/t/x1/unsubscribe/${REDACTED}/resubscribe?saved=1`);
  });

  it('hides secret query parameters by name, and secret paths inside query values', () => {
    expect(redactUrl(`/contributions/confirm?token=${TOKEN}&lang=fr`)).toBe(`/contributions/confirm?token=${REDACTED}&lang=fr`);
    expect(redactUrl(`/t/x1/contributions/confirm?token=${TOKEN}`)).toBe(`/t/x1/contributions/confirm?token=${REDACTED}`);
    expect(redactUrl(`/campaigns/1/image?_csrf=${TOKEN}`)).toBe(`/campaigns/1/image?_csrf=${REDACTED}`);
    for (const name of ['access_token', 'apiKey', 'api-key', 'password', 'secret', 'signature', 'sig', 'key', 'code', 'session', 'Token']) {
      expect(redactUrl(`/x?${name}=${TOKEN}`)).toBe(`/x?${name}=${REDACTED}`);
    }
    expect(redactUrl(`/sign-in?next=${encodeURIComponent(`/sign-in/link/${TOKEN}`)}`)).toBe(`/sign-in?next=${encodeURIComponent(`/sign-in/link/${REDACTED}`)}`);
    expect(redactUrl('/x?token')).toBe('/x?token');
    expect(redactUrl(`/x#token=${TOKEN}`)).toBe('/x');
  });

  it('leaves every other URL as it was', () => {
    for (const url of [
      '/',
      '/healthz',
      '/sign-in',
      '/sign-in/link',
      '/sign-in?next=%2Fme',
      '/contributions/confirm',
      '/api/contributions/confirm',
      '/api/campaigns/5b0c3a51-1f34-4a0e-9d6e-0d6a8d1c2b3a/contributions',
      '/api/programmes/p/contributions.csv?status=confirmed',
      '/api/programmes/p/applications?q=v%C3%A9lo&commune=Lille&limit=20',
      '/programmes/makers/campaigns/velo?subscribed=1',
      '/api/programmes/p/coaching/me/calendar',
      '/x?a=%E0%A4%A',
      '/x?a=1&&b',
    ])
      expect(redactUrl(url)).toBe(url);
    expect(redactUrl(undefined)).toBe('');
  });

  it('never lets a token through, whatever surrounds it', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/);
    const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/);
    fc.assert(
      fc.property(token, slug, fc.constantFrom('', '?lang=en', '?lang=fr&x=1'), (tok, s, q) => {
        for (const url of [
          `/sign-in/link/${tok}${q}`,
          `/t/${s}/sign-in/link/${tok}${q}`,
          `/coaching/calendar/${tok}.ics${q}`,
          `/contributions/confirm?token=${tok}`,
          `/contributions/${tok}${q}`,
          `/api/contributions/${tok}${q}`,
          `/sign-in?next=${encodeURIComponent(`/sign-in/link/${tok}`)}`,
        ]) {
          expect(redactUrl(url)).not.toContain(tok);
        }
      }),
    );
  });
});
