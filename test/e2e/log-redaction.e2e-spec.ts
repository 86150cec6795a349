import { randomBytes, randomUUID } from 'node:crypto';
import { AuthService } from '../../src/auth/auth.service.js';
import { CoachingService } from '../../src/coaching/coaching.service.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createPerson, createTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Every log line the app writes, parsed. */
class CapturedLogs {
  readonly lines: string[] = [];
  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter(Boolean));
  }
  get text(): string {
    return this.lines.join('\n');
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are read freely
  json(): Array<Record<string, any>> {
    return this.lines.map((l) => JSON.parse(l));
  }
}

const secret = () => randomBytes(32).toString('base64url');

describe('logs keep no secret of a URL', () => {
  let t: TestApp;
  const logs = new CapturedLogs();

  beforeAll(async () => {
    t = await startTestApp({ config: { logLevel: 'info' }, logDestination: logs });
  });
  afterAll(() => t.close());

  it('redacts sign-in links, calendar feeds, pledge confirmations, contribution references and CSRF tokens, in request logs and error reports', async () => {
    const city = await createTenant(t);
    const person = await createPerson(t, city, null);
    const slug = city.tenant.slug;

    // A real sign-in link, opened then used, under the /t/<slug> prefix; and an unknown one.
    const link = await t.app.get(TransactionRunner).run((em) => t.app.get(AuthService).createLink(em, city.tenant.id, person.userId, `/t/${slug}`));
    const token = link.split('/').pop()!;
    const agent = t.http();
    const shown = await openPage(agent, city.host, link);
    expect(shown.status).toBe(200);
    const used = await agent.post(link).set('Host', city.host).type('form').send({ _csrf: shown.csrf }).expect(303);
    const session = /tremplin_session=([^;]+)/.exec(String(used.headers['set-cookie']))![1];
    const unknownLink = secret();
    await t.http().get(`/sign-in/link/${unknownLink}`).set('Host', city.host).expect(200);

    // Calendar feeds, pledge confirmations (page and its query), contribution references (page and API).
    const feed = secret();
    await t.http().get(`/coaching/calendar/${feed}.ics`).set('Host', city.host).expect(404);
    const pledge = secret();
    await t.http().get(`/contributions/confirm?token=${pledge}&lang=en`).set('Host', city.host).set('Accept', 'text/html');
    const reference = randomUUID();
    await t.http().get(`/contributions/${reference}`).set('Host', city.host).set('Accept', 'text/html');
    await t.http().get(`/api/contributions/${reference}`).set('Host', city.host).expect(404);
    // A multipart form sends its CSRF token in the query string; a page opened from a link has it as Referer.
    await agent
      .post(`/t/${slug}/campaigns/${randomUUID()}/image?_csrf=${encodeURIComponent(shown.csrf)}`)
      .set('Host', city.host)
      .attach('image', Buffer.from('x'), 'x.png')
      .expect(404);
    await t.http().get('/sign-in').set('Host', city.host).set('Referer', `https://${city.host}/sign-in/link/${unknownLink}`).expect(200);
    // A bearer token in the Authorization header.
    await t.http().get('/api/me').set(person.headers).expect(200);

    // An error report: the feed fails unexpectedly.
    const failing = secret();
    const coaching = t.app.get(CoachingService);
    const feedOf = coaching.feed;
    coaching.feed = async () => {
      throw new Error('the database went away');
    };
    try {
      await t.http().get(`/coaching/calendar/${failing}.ics`).set('Host', city.host).expect(500);
    } finally {
      coaching.feed = feedOf;
    }

    const text = logs.text;
    for (const [what, value] of Object.entries({ token, unknownLink, session, feed, pledge, reference, csrf: shown.csrf, bearer: person.token, failing })) {
      expect([what, text.includes(value)]).toEqual([what, false]);
    }
    // Not vacuous: each request was logged, with its URL redacted.
    const urls = logs
      .json()
      .map((l) => l.req?.url)
      .filter(Boolean);
    expect(urls).toEqual(
      expect.arrayContaining([
        `/t/${slug}/sign-in/link/[redacted]`,
        '/sign-in/link/[redacted]',
        '/coaching/calendar/[redacted].ics',
        '/contributions/confirm?token=[redacted]&lang=en',
        '/contributions/[redacted]',
        '/api/contributions/[redacted]',
        expect.stringMatching(/^\/t\/[\w-]+\/campaigns\/[0-9a-f-]+\/image\?_csrf=\[redacted\]$/),
      ]),
    );
    expect(logs.json().find((l) => l.req?.url === '/sign-in' && l.req?.headers?.referer)?.req.headers.referer).toBe(
      `https://${city.host}/sign-in/link/[redacted]`,
    );
    const report = logs.json().find((l) => l.msg === 'unhandled error');
    expect(report).toMatchObject({
      url: '/coaching/calendar/[redacted].ics',
      method: 'GET',
      err: expect.objectContaining({ message: 'the database went away' }),
    });
  });
});
