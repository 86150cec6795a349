import { randomUUID } from 'node:crypto';
import { CampaignsRepository } from '../../src/campaigns/campaigns.repository.js';
import { ContributionsRepository } from '../../src/campaigns/contributions.repository.js';
import { contributionBody, createCampaignProgramme, webhook } from '../factories/campaigns.js';
import { createPerson, createTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * The contribution's and the confirmation's statements are prepared once per pooled connection
 * (src/common/db/prepared.ts). A migration that adds a column while instances run must not break them:
 * a statement prepared with `*` has its result type fixed, and PostgreSQL refuses to run it after
 * ("cached plan must not change result type"). The statements run again on the connection that
 * prepared them (one query runner held), then through the API.
 */
describe('prepared statements across a migration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
  });
  afterAll(() => t.close());

  it('still contribute and confirm after columns are added to their tables', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    const [c] = w.campaigns;
    const contribute = () =>
      t
        .http()
        .post(`/api/campaigns/${c.id}/contributions`)
        .set({ Host: city.host, 'Idempotency-Key': `key-${randomUUID()}` })
        .send(contributionBody());
    const confirm = (id: string) => webhook(t, city, { id: `evt-${randomUUID()}`, type: 'payment.succeeded', data: { reference: id, amountCents: 2_500 } });

    const first = await contribute().expect(201);
    expect((await confirm(first.body.id).expect(200)).body.outcome).toBe('confirmed');
    const runner = t.ds.createQueryRunner();
    await runner.connect();
    const em = runner.manager;
    const campaigns = t.app.get(CampaignsRepository);
    const contributions = t.app.get(ContributionsRepository);
    const readAll = async () => {
      await runner.startTransaction();
      try {
        return {
          campaign: (await campaigns.lockFound(em, city.tenant.id, c.id)).id,
          contribution: (await contributions.lockContribution(em, { tenantId: city.tenant.id, id: first.body.id }))?.id,
          byKey: (await contributions.lockedContributionByKey(em, city.tenant.id, first.request.getHeader('Idempotency-Key') as string))?.id,
        };
      } finally {
        await runner.rollbackTransaction();
      }
    };
    const expected = { campaign: c.id, contribution: first.body.id, byKey: first.body.id };
    expect(await readAll()).toEqual(expected);
    for (const table of ['contribution', 'campaign', 'match_allocation', 'payment_event']) {
      await t.ds.query(`ALTER TABLE ${table} ADD COLUMN later_migration integer`);
    }
    try {
      expect(await readAll()).toEqual(expected);
      await runner.release();
      const second = await contribute().expect(201);
      expect((await confirm(second.body.id).expect(200)).body.outcome).toBe('confirmed');
      const [campaign] = await t.ds.query(`SELECT contribution_count, contributor_count FROM campaign WHERE id = $1`, [c.id]);
      expect(campaign).toEqual({ contribution_count: 2, contributor_count: 2 });
    } finally {
      for (const table of ['contribution', 'campaign', 'match_allocation', 'payment_event'])
        await t.ds.query(`ALTER TABLE ${table} DROP COLUMN later_migration`);
    }
  });
});
