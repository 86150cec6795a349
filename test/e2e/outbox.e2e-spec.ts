import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxService, type OutgoingEmail } from '../../src/notifications/outbox.service.js';
import { BATCH } from '../../src/notifications/outbox.worker.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createPerson, createTenant } from '../factories/index.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

async function queue(t: TestApp, tenantId: string, to: string, dedupeKey?: string): Promise<boolean> {
  return t.app.get(TransactionRunner).run((em) =>
    t.app.get(OutboxService).enqueue(em, {
      tenantId,
      template: 'sign-in-link',
      locale: 'en',
      to,
      payload: { link: 'https://x.test/sign-in/link/abc', name: 'Ada', minutes: 30 },
      dedupeKey,
    }),
  );
}

/** The campaign whose updates they are (a scoped stream: its unsubscribe link names it). */
const CAMPAIGN = '00000000-0000-4000-8000-0000000000c1';

/** `n` contributor updates of one authority, queued in one statement. */
async function queueBulk(t: TestApp, tenantId: string, n: number, prefix = 'fan'): Promise<number> {
  const mails: OutgoingEmail[] = Array.from({ length: n }, (_, i) => ({
    tenantId,
    template: 'campaign-update',
    scopeId: CAMPAIGN,
    locale: 'en',
    to: `${prefix}${i}@example.org`,
    payload: { campaignTitle: 'Repair café', title: 'We have a workshop', body: 'Thanks to you.', link: 'https://x.test/c' },
  }));
  return t.app.get(TransactionRunner).run((em) => t.app.get(OutboxService).enqueueMany(em, mails));
}

const sentBy = async (t: TestApp, tenantId: string, template?: string): Promise<number> =>
  (
    await t.ds.query(`SELECT count(*)::int AS n FROM outbox_message WHERE tenant_id = $1 AND status = 'sent' AND ($2::text IS NULL OR template = $2)`, [
      tenantId,
      template ?? null,
    ])
  )[0].n;

describe('e-mail outbox', () => {
  it('retries with back-off while the SMTP server refuses, then sends once', async () => {
    const smtp = await new TestSmtpServer().start();
    const t = await startTestApp({ config: { smtpUrl: smtp.url } });
    try {
      const city = await createTenant(t);
      await queue(t, city.tenant.id, 'ada@example.org');
      smtp.failing = true;
      expect(await t.app.get((await import('../../src/notifications/outbox.worker.js')).OutboxWorker).runOnce()).toBe(1);
      let row = (await t.ds.query('SELECT status, attempts, last_error, next_attempt_at FROM outbox_message'))[0];
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toMatch(/mailbox unavailable/);
      // Not due again before its back-off.
      smtp.failing = false;
      expect(await t.sendMail()).toBe(0);
      t.clock.advance(31_000);
      expect(await t.sendMail()).toBe(1);
      row = (await t.ds.query('SELECT status, attempts FROM outbox_message'))[0];
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
      expect(smtp.to('ada@example.org')).toHaveLength(1);
      expect(smtp.mails[0].messageId).toMatch(/@tremplin\.outbox>$/);
      t.clock.advance(3_600_000);
      expect(await t.sendMail()).toBe(0);
      expect(smtp.mails).toHaveLength(1);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('queues an e-mail with the same business key once', async () => {
    const t = await startTestApp();
    try {
      const city = await createTenant(t);
      const results = await Promise.all(Array.from({ length: 5 }, () => queue(t, city.tenant.id, 'bob@example.org', 'welcome:bob')));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await t.ds.query('SELECT count(*)::int AS n FROM outbox_message'))[0].n).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('shares a burst between two instances without sending any message twice', async () => {
    const smtp = await new TestSmtpServer().start();
    const one = await startTestApp({ config: { smtpUrl: smtp.url } });
    const two = await startTestApp({ databaseUrl: one.databaseUrl, clock: one.clock, config: { smtpUrl: smtp.url } });
    try {
      const city = await createTenant(one);
      for (let i = 0; i < 60; i++) await queue(one, city.tenant.id, `p${i}@example.org`);
      const [a, b] = await Promise.all([one.sendMail(), two.sendMail()]);
      expect(a + b).toBe(60);
      expect(smtp.mails).toHaveLength(60);
      expect(new Set(smtp.mails.map((m) => m.to[0])).size).toBe(60);
    } finally {
      await two.close();
      await one.close();
      await smtp.stop();
    }
  });

  it('writes .eml files under DATA_DIR/outbox when no SMTP server is configured', async () => {
    const t = await startTestApp();
    try {
      const city = await createTenant(t);
      await queue(t, city.tenant.id, 'eve@example.org');
      expect(await t.sendMail()).toBe(1);
      const dir = join(t.app.get<{ dataDir: string }>((await import('../../src/config/config.module.js')).APP_CONFIG).dataDir, 'outbox');
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(dir, files[0]), 'utf8');
      expect(eml).toContain('To: eve@example.org');
      expect(eml).toContain(`Subject: Your sign-in link to ${city.tenant.name}`);
    } finally {
      await t.close();
    }
  });

  it('sends a sign-in link in the very next pass, ahead of 5,000 older bulk e-mails', async () => {
    const smtp = await new TestSmtpServer().start();
    const t = await startTestApp({ config: { smtpUrl: smtp.url } });
    try {
      const city = await createTenant(t);
      const ada = await createPerson(t, city, null, { email: 'ada@example.org', locale: 'en' });
      expect(await queueBulk(t, city.tenant.id, 5000)).toBe(5000);
      t.clock.advance(60_000); // the bulk has been waiting a minute
      await t.http().post('/api/auth/sign-in-links').set('Host', city.host).send({ email: ada.email }).expect(202);
      expect(await t.sendMailOnce()).toBe(BATCH);
      expect(smtp.mails).toHaveLength(BATCH);
      expect(smtp.to(ada.email).map((m) => m.subject)).toEqual([`Your sign-in link to ${city.tenant.name}`]);
      const rows = await t.ds.query(`SELECT template, priority, status, count(*)::int AS n FROM outbox_message GROUP BY 1, 2, 3 ORDER BY 1, 3`);
      expect(rows).toEqual([
        { template: 'campaign-update', priority: 2, status: 'pending', n: 5000 - (BATCH - 1) },
        { template: 'campaign-update', priority: 2, status: 'sent', n: BATCH - 1 },
        { template: 'sign-in-link', priority: 0, status: 'sent', n: 1 },
      ]);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it("holds an authority's bulk at its send rate while another authority's mail and its own sign-in links still leave", async () => {
    const smtp = await new TestSmtpServer().start();
    const t = await startTestApp({ config: { smtpUrl: smtp.url, mailRatePerMinute: 10 } });
    try {
      const a = await createTenant(t);
      const b = await createTenant(t);
      await queueBulk(t, a.tenant.id, 50, 'a');
      t.clock.advance(1000);
      await queueBulk(t, b.tenant.id, 3, 'b');
      await t.app.get(TransactionRunner).run((em) =>
        t.app.get(OutboxService).enqueue(em, {
          tenantId: b.tenant.id,
          template: 'application-decision',
          locale: 'en',
          to: 'b-applicant@example.org',
          payload: { receipt: 'R-1', eligible: true },
        }),
      );
      // One pass serves both: A's older backlog does not keep B waiting, and A stops at its rate.
      expect(await t.sendMailOnce()).toBe(10 + 4);
      expect(await t.sendMail()).toBe(0);
      expect([await sentBy(t, a.tenant.id), await sentBy(t, b.tenant.id)]).toEqual([10, 4]);
      // A sign-in link is never held back by the rate.
      await queue(t, a.tenant.id, 'ada@example.org');
      expect(await t.sendMail()).toBe(1);
      expect(smtp.to('ada@example.org')).toHaveLength(1);
      // A caller may mark one e-mail transactional.
      await t.app.get(TransactionRunner).run((em) =>
        t.app.get(OutboxService).enqueue(em, {
          tenantId: a.tenant.id,
          template: 'campaign-update',
          scopeId: CAMPAIGN,
          locale: 'en',
          to: 'urgent@example.org',
          priority: 0,
          payload: { campaignTitle: 'Repair café', title: 'Cancelled tonight', body: '', link: 'https://x.test/c' },
        }),
      );
      expect(await t.sendMail()).toBe(1);
      // The minute slides: half-way, nothing more; once the first claims are a minute old, ten more.
      t.clock.advance(30_000);
      expect(await t.sendMail()).toBe(0);
      t.clock.advance(30_000);
      expect(await t.sendMail()).toBe(10);
      expect(await sentBy(t, a.tenant.id, 'campaign-update')).toBe(21);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('keeps the rate across two instances and never delivers a message twice', async () => {
    const smtp = await new TestSmtpServer().start();
    const config = { smtpUrl: smtp.url, mailRatePerMinute: 25 };
    const one = await startTestApp({ config });
    const two = await startTestApp({ databaseUrl: one.databaseUrl, clock: one.clock, config });
    try {
      const a = await createTenant(one);
      const b = await createTenant(one);
      await queueBulk(one, a.tenant.id, 200, 'a');
      await queueBulk(one, b.tenant.id, 15, 'b');
      for (let i = 0; i < 30; i++) await queue(one, a.tenant.id, `link${i}@example.org`);
      const [x, y] = await Promise.all([one.sendMail(), two.sendMail()]);
      expect([await one.sendMail(), await two.sendMail()]).toEqual([0, 0]);
      expect(x + y).toBe(30 + 25 + 15);
      expect(x).toBeGreaterThan(0);
      expect(y).toBeGreaterThan(0);
      expect([await sentBy(one, a.tenant.id, 'campaign-update'), await sentBy(one, b.tenant.id)]).toEqual([25, 15]);
      expect(smtp.mails).toHaveLength(70);
      expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(70);
      expect(new Set(smtp.mails.map((m) => m.to[0])).size).toBe(70);
    } finally {
      await two.close();
      await one.close();
      await smtp.stop();
    }
  });
});
