import { cpus } from 'node:os';
import { settings, type Measure } from './load.js';

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  pass: boolean;
}

/** Two decimals, or two significant digits for the tiny ratios of slow endpoints. */
export const ratio = (r: number) => (r >= 0.01 || r === 0 ? r.toFixed(2) : r.toPrecision(2));

const find = (ms: Measure[], name: RegExp, section?: RegExp) => ms.find((m) => name.test(m.name) && (!section || section.test(m.section)));

/**
 * The issue's goals, each judged from figures of this run only (ratios between measurements made
 * minutes apart on the same machine, each app figure against the floor measured around it).
 */
export function judge(ms: Measure[], domain: Record<string, { medianMs: number }>): Goal[] {
  const goals: Goal[] = [];
  // Match-funded runs before and after the one without (A B A): their mean is taken at its time.
  const withMatch = ms.filter((m) => /contributions \(with a match-funding budget(, again)?\)/.test(m.name));
  const noMatch = find(ms, /contributions \(no match-funding\)/);
  if (withMatch.length && noMatch) {
    const rps = Number((withMatch.reduce((s, m) => s + m.rps, 0) / withMatch.length).toFixed(1));
    const p99 = Math.max(...withMatch.map((m) => m.p99));
    const r = rps / noMatch.rps;
    goals.push({
      goal: '1. match-funded contributions vs without match-funding',
      target: '≥ 0.8×',
      measured: `${ratio(r)}× (${withMatch.map((m) => m.rps).join(' and ')}, mean ${rps}, vs ${noMatch.rps} req/s; p99 ${p99} vs ${noMatch.p99} ms)`,
      pass: r >= 0.8,
    });
  }
  const contributions = ms.filter((m) => m.floor === 'contribution' && m.ratioToFloor !== undefined);
  if (contributions.length) {
    const worst = contributions.reduce((a, b) => (a.ratioToFloor! <= b.ratioToFloor! ? a : b));
    goals.push({
      goal: '2. contributions vs the minimal correct contribution (bare pg, same semantics)',
      target: '≥ 0.5× (each contribution endpoint)',
      measured: contributions.map((m) => `${ratio(m.ratioToFloor!)}× ${m.name.replace(/^POST \S+ /, '')}`).join('; '),
      pass: worst.ratioToFloor! >= 0.5,
    });
  }
  const mixedReads = find(ms, /^mixed: reads/);
  if (mixedReads && mixedReads.floorRps && mixedReads.floorP99 !== undefined) {
    const r = mixedReads.rps / mixedReads.floorRps;
    const p99 = mixedReads.p99 / Math.max(1, mixedReads.floorP99);
    goals.push({
      goal: '3. public pages while contributions are made (80 % reads, 20 % contributions) vs the one-query floor',
      target: '≥ 0.7× and p99 ≤ 3× the floor’s p99',
      measured: `${ratio(r)}×, p99 ${mixedReads.p99} ms vs ${mixedReads.floorP99} ms (${ratio(p99)}×)`,
      pass: r >= 0.7 && p99 <= 3,
    });
  }
  const small = find(ms, /report/, /100,000|100000/);
  const large = find(ms, /report/, /1,000,000|1000000/);
  if (small && large) {
    const growth = large.mean / Math.max(1, small.mean);
    goals.push({
      goal: '4. results report, 200 campaigns',
      target: '≤ 300 ms at 100,000 contributions, ≤ 3× that at 1,000,000',
      measured: `${small.mean} ms at 100,000, ${large.mean} ms at 1,000,000 (${ratio(growth)}×)`,
      pass: small.mean <= 300 && growth <= 3,
    });
  }
  const bt = Object.entries(domain).find(([k]) => /Bradley/.test(k));
  const borda = Object.entries(domain).find(([k]) => /Borda/.test(k));
  if (bt && borda) {
    goals.push({
      goal: '5. bench honesty: domain benchmarks (Borda, Bradley–Terry 2,000 × 60, 120,000 comparisons)',
      target: 'Bradley–Terry < 500 ms',
      measured: `Bradley–Terry ${bt[1].medianMs} ms, Borda ${borda[1].medianMs} ms`,
      pass: bt[1].medianMs < 500,
    });
  }
  return goals;
}

export function markdown(
  at: string,
  measures: Measure[],
  goals: Goal[],
  domain: Record<string, { medianMs: number }>,
  notes: { reportTimeout: number; skipped: string[] },
): string {
  const c = (m: Measure) => (m.connections !== settings.connections ? ` (${m.connections} connection${m.connections > 1 ? 's' : ''})` : '');
  const ms = (x: number | undefined) => (x === undefined ? '' : String(x));
  const row = (m: Measure) =>
    m.timeouts && !m.requests
      ? `| ${m.name}${c(m)} | 0 | > ${notes.reportTimeout * 1000} | > ${notes.reportTimeout * 1000} | timed out | ${m.loadCpuPercent} % | | |`
      : `| ${m.name}${c(m)} | ${m.rps} | ${m.p50} | ${m.p99} | ${m.ratioToFloor !== undefined ? `${ratio(m.ratioToFloor)}× ${m.floor}` : m.floor ? 'floor' : ''} | ${m.loadCpuPercent} % | ${ms(m.serverCpuMs)} | ${ms(m.databaseCpuMs)} |`;
  const sections = [...new Set(measures.map((m) => m.section))];
  return [
    `# Latest benchmark run`,
    '',
    `\`npm run bench\`, ${at.slice(0, 10)}, Node ${process.version}, ${cpus().length} CPUs, ${settings.connections} connections, ${settings.duration} s per endpoint, loopback.`,
    `Each app figure is compared with its floor measured just before and just after it in the same run (the mean of the two), so that`,
    `a shared, noisy machine changes both alike. The app's scheduler is paused for the whole bench (no expiry runs during a measurement).`,
    `"load cpu" is the load generator's own CPU (of one core) while it ran: on 2 cores it competes with the server.`,
    `"server ms" and "db ms" are the CPU the server under load (the app, or the floor's process) and PostgreSQL (all its processes)`,
    `used per request, read from /proc: what a request costs each, whatever the sharing of the cores (left out for the mixed run's two loads).`,
    '',
    '## Goals (issue 22)',
    '',
    '| goal | target | measured | |',
    '| --- | --- | --- | --- |',
    ...goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | **${g.pass ? 'PASS' : 'FAIL'}** |`),
    '',
    '## Endpoints',
    '',
    '| endpoint | req/s | p50 ms | p99 ms | ratio to floor | load cpu | server ms | db ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...sections.flatMap((s) => [`| **${s}** | | | | | | | |`, ...measures.filter((m) => m.section === s).map(row)]),
    ...(notes.skipped.length ? ['', ...notes.skipped.map((s) => `Skipped: ${s}`)] : []),
    '',
    '| domain computation | median ms |',
    '| --- | ---: |',
    ...Object.entries(domain).map(([k, v]) => `| ${k} | ${v.medianMs} |`),
    '',
  ].join('\n');
}
