import { randomUUID } from 'node:crypto';
import { contributionBody, createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant } from '../factories/index.js';
import { startTestApp } from '../setup/test-app.js';

describe('contribution rate limit', () => {
  it('refuses the contributions of one address beyond the limit per minute, with Retry-After, on every instance', async () => {
    const t = await startTestApp({ config: { contributionRateLimit: 3 } });
    const second = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, config: { contributionRateLimit: 3 } });
    try {
      t.clock.set('2026-09-01T08:00:30Z');
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff');
      const w = await createCampaignProgramme(t, city, staff, 1);
      await w.open();
      const post = (app: typeof t) =>
        app
          .http()
          .post(`/api/campaigns/${w.campaigns[0].id}/contributions`)
          .set({ Host: city.host, 'Idempotency-Key': `rl-${randomUUID()}` })
          .send(contributionBody());
      // The limit is shared by the instances (counted in PostgreSQL).
      expect((await post(t)).status).toBe(201);
      expect((await post(second)).status).toBe(201);
      expect((await post(t)).status).toBe(201);
      const refused = await post(second);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      t.clock.advance(61_000);
      expect((await post(t)).status).toBe(201);
    } finally {
      await second.close();
      await t.close();
    }
  });
});
