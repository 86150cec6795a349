import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxService } from '../../src/notifications/outbox.service.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createTenant } from '../factories/index.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

async function queue(t: TestApp, tenantId: string, to: string, dedupeKey?: string): Promise<boolean> {
  return t.app.get(TransactionRunner).run((em) => t.app.get(OutboxService).enqueue(em, {
    tenantId, template: 'sign-in-link', locale: 'en', to, payload: { link: 'https://x.test/sign-in/link/abc', name: 'Ada', minutes: 30 }, dedupeKey,
  }));
}

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
});
