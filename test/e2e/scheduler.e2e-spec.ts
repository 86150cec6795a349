import { FixedClock } from '../../src/common/clock/clock.js';
import { createPerson, createProgramme, createTenant } from '../factories/index.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';

describe('scheduled phase transitions', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
  });
  afterAll(() => smtp.stop());

  it('happen exactly once, with one e-mail, when two instances tick on one database', async () => {
    const clock = new FixedClock(new Date('2026-04-01T06:00:00Z'));
    const one = await startTestApp({ clock, config: { smtpUrl: smtp.url } });
    const two = await startTestApp({ clock, databaseUrl: one.databaseUrl, config: { smtpUrl: smtp.url } });
    try {
      const city = await createTenant(one);
      const staff = await createPerson(one, city, 'staff');
      const p = await createProgramme(one, city, staff, {
        timeline: { call_open: new Date('2026-04-01T07:00:00Z'), screening: new Date('2026-05-01T16:00:00Z') },
      });
      expect(await one.tick()).toBe(0);

      clock.set('2026-04-01T07:00:01Z');
      // Both instances tick at the same moment, three times over, then both drain the outbox at once.
      let entered = 0;
      for (let round = 0; round < 3; round++) {
        const counts = await Promise.all([one.tick(), two.tick()]);
        entered += counts[0] + counts[1];
      }
      expect(entered).toBe(1);
      await Promise.all([one.sendMail(), two.sendMail()]);

      const rows = await one.ds.query('SELECT to_phase FROM phase_transition WHERE programme_id = $1', [p.id]);
      expect(rows).toEqual([{ to_phase: 'call_open' }]);
      const mails = smtp.to(staff.email);
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toContain('nouvelle phase');
      const phase = await two.http().get(`/api/programmes/${p.id}`).set(staff.headers);
      expect(phase.body.phase).toBe('call_open');
    } finally {
      await two.close();
      await one.close();
    }
  });

  it('catch up at start on every instant that passed while the app was down, in order', async () => {
    const clock = new FixedClock(new Date('2026-04-01T06:00:00Z'));
    const first = await startTestApp({ clock });
    const city = await createTenant(first);
    const staff = await createPerson(first, city, 'staff');
    const p = await createProgramme(first, city, staff, {
      timeline: {
        call_open: new Date('2026-04-01T07:00:00Z'),
        screening: new Date('2026-05-01T16:00:00Z'),
        jury: new Date('2026-05-10T08:00:00Z'),
        announced: new Date('2026-06-01T08:00:00Z'),
      },
    });
    await first.close();

    // Down for six weeks: call_open, screening and jury instants pass; announced has not.
    clock.set('2026-05-15T00:00:00Z');
    const second = await startTestApp({ clock, databaseUrl: first.databaseUrl, config: { runWorkers: true, schedulerIntervalMs: 3_600_000 } });
    try {
      let phase = '';
      for (let i = 0; i < 50 && phase !== 'jury'; i++) {
        phase = (await second.ds.query('SELECT phase FROM programme WHERE id = $1', [p.id]))[0].phase;
        if (phase !== 'jury') await new Promise((r) => setTimeout(r, 100));
      }
      expect(phase).toBe('jury');
      const rows = await second.ds.query('SELECT from_phase, to_phase, trigger FROM phase_transition WHERE programme_id = $1 ORDER BY id', [p.id]);
      expect(rows).toEqual([
        { from_phase: 'draft', to_phase: 'call_open', trigger: 'schedule' },
        { from_phase: 'call_open', to_phase: 'screening', trigger: 'schedule' },
        { from_phase: 'screening', to_phase: 'jury', trigger: 'schedule' },
      ]);
      const next = (await second.ds.query('SELECT next_transition_at FROM programme WHERE id = $1', [p.id]))[0].next_transition_at;
      expect(new Date(next).toISOString()).toBe('2026-06-01T08:00:00.000Z');
    } finally {
      await second.close();
    }
  });

  it('stops at a phase with no instant: the rest waits for a manual move', async () => {
    const clock = new FixedClock(new Date('2026-04-01T06:00:00Z'));
    const t = await startTestApp({ clock });
    try {
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff');
      const p = await createProgramme(t, city, staff, {
        timeline: { call_open: new Date('2026-04-01T07:00:00Z'), jury: new Date('2026-04-02T07:00:00Z') },
      });
      clock.set('2026-04-03T00:00:00Z');
      expect(await t.tick()).toBe(1);
      const got = await t.http().get(`/api/programmes/${p.id}`).set(staff.headers);
      expect(got.body.phase).toBe('call_open');
      expect(got.body.nextTransitionAt).toBeNull();
    } finally {
      await t.close();
    }
  });
});
