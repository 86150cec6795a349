/**
 * `npm run soak`: two app instances behind a round-robin proxy on one embedded PostgreSQL, under
 * contributions paid through Stripe Checkout (a local stand-in of its API; `runSoak({ provider: 'webhook' })` for the generic provider), its webhooks, page reads and ballots for SOAK_SECONDS (default 120), with one
 * instance SIGKILLed, the other stopped by SIGTERM, and PostgreSQL restarted on the way. Prints the
 * invariants checked at the end and writes bench/results/soak-<date>.json; exits 1 on any violation.
 * See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.js';
import { formatReport, runSoak } from './soak/run-soak.js';

async function main(): Promise<void> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 120);
  if (!Number.isFinite(seconds) || seconds < 10) throw new Error('SOAK_SECONDS must be a number of seconds, at least 10');
  const report = await runSoak({ seconds });
  console.log(formatReport(report));
  const out = join(repoRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `soak-${new Date().toISOString().replace(/[:]/g, '-').slice(0, 19)}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, seconds, ...report }, null, 2));
  console.log(`Written to ${file}`);
  process.exitCode = report.ok ? 0 : 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
