import { CoachingService } from '../../src/coaching/coaching.service.js';
import { createTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Whether each request answered had a request logger (pino-http's `req.log`) when it finished. */
function watchRequestLoggers(t: TestApp): boolean[] {
  const seen: boolean[] = [];
  (t.app.getHttpServer() as Server).prependListener('request', (req: IncomingMessage & { log?: unknown }, res: ServerResponse) =>
    res.once('finish', () => seen.push(req.log !== undefined)),
  );
  return seen;
}

describe('request logs cost nothing above their level', () => {
  const lines: string[] = [];
  const destination = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { logLevel: 'warn' }, logDestination: destination });
  });
  afterAll(() => t.close());

  it('at warn, runs no request logger, and still reports an unhandled error with its request id and redacted URL', async () => {
    const city = await createTenant(t);
    const loggers = watchRequestLoggers(t);
    await t.http().get('/api/programmes').set('Host', city.host).expect(200);
    const coaching = t.app.get(CoachingService);
    const feedOf = coaching.feed;
    coaching.feed = async () => {
      throw new Error('the database went away');
    };
    try {
      await t.http().get('/coaching/calendar/secret-feed-token.ics').set('Host', city.host).set('X-Request-Id', 'req-42').expect(500);
    } finally {
      coaching.feed = feedOf;
    }
    expect(loggers).toEqual([false, false]);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l.req)).toEqual([]);
    expect(logged.find((l) => l.msg === 'unhandled error')).toMatchObject({ requestId: 'req-42', url: '/coaching/calendar/[redacted].ics', level: 50 });
  });
});

describe('request logs at info', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { logLevel: 'info' }, logDestination: { write: () => {} } });
  });
  afterAll(() => t.close());

  // What is written at info is log-redaction.e2e-spec.ts's (nestjs-pino keeps one pino instance per
  // process: this second app writes through the first one's).
  it('give each request its logger', async () => {
    const city = await createTenant(t);
    const loggers = watchRequestLoggers(t);
    await t.http().get('/api/programmes').set('Host', city.host).expect(200);
    expect(loggers).toEqual([true]);
  });
});
