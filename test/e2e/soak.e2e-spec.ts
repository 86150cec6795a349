import { formatReport, runSoak } from '../../bench/soak/run-soak.js';

/**
 * The soak of `npm run soak` in a shortened form: two real app processes (started from the TypeScript
 * sources through SWC, so no build is needed) on their own embedded PostgreSQL behind a round-robin
 * proxy, under contributions paid through Stripe (a local stand-in of its API), its webhooks, page reads and ballots, with one instance SIGKILLed, the other
 * stopped by SIGTERM (it must drain) and PostgreSQL restarted. Every invariant must hold at the end.
 */
describe('soak (shortened): faults under load keep every invariant', () => {
  it('survives SIGKILL, SIGTERM and a PostgreSQL restart without a violation', async () => {
    const lines: string[] = [];
    const report = await runSoak({ seconds: 20, campaigns: 8, contributors: 4, readers: 2, jurors: 2, log: (m) => lines.push(m) });
    if (!report.ok) console.log([...lines, formatReport(report)].join('\n'));
    expect(report.violations.map((v) => `${v.name}: ${v.detail} ${JSON.stringify(v.examples ?? [])}`)).toEqual([]);
    // The faults really happened, under load.
    expect(report.faults.map((f) => f.kind)).toEqual(['sigkill', 'sigterm', 'postgres-restart']);
    // Citizens paid through Stripe (the local stand-in): one Checkout Session per contribution, through the kills.
    expect(report.checks.find((c) => c.name.startsWith('each Stripe contribution has exactly one Checkout Session'))).toMatchObject({ ok: true });
    const figures = report.figures as { contributions: { acknowledged: number }; webhooks: { deliveriesAcknowledged: number } };
    expect(figures.contributions.acknowledged).toBeGreaterThan(20);
    expect(figures.webhooks.deliveriesAcknowledged).toBeGreaterThan(20);
  }, 300_000);
});
