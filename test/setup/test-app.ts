import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '../../src/common/clock/clock.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/create-app.js';
import { OutboxWorker } from '../../src/notifications/outbox.worker.js';
import { ProgrammesScheduler } from '../../src/programmes/programmes.scheduler.js';
import { installContractCheck } from './contract.js';
import { createTestDatabase } from './database.js';

export interface TestApp {
  app: NestExpressApplication;
  databaseUrl: string;
  clock: FixedClock;
  ds: DataSource;
  /** supertest against this instance. */
  http(): request.Agent;
  /** Runs the phase scheduler once, as a tick would. */
  tick(): Promise<number>;
  /** Sends every due e-mail (that the authorities' send rates allow). */
  sendMail(): Promise<number>;
  /** Runs one bounded pass of the outbox worker, as one interval would; returns how many it claimed. */
  sendMailOnce(): Promise<number>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    env: 'test',
    databasePoolSize: 5,
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'tremplin-data-')),
    appSecret: 'test-secret-test-secret-test-secret-0123',
    mailFrom: 'bounces@tremplin.test',
    seedDemo: false,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    schedulerIntervalMs: 60_000,
    outboxIntervalMs: 60_000,
    mailRatePerMinute: 600,
    signInRateLimit: 1000,
    signInLinkTtlMinutes: 30,
    sessionTtlDays: 14,
    // Tests move the clock over a programme's months with the tokens their factories made once; the
    // lifetime itself is tested with 30 days in sessions.e2e-spec.ts.
    apiTokenTtlDays: 3650,
    trustProxy: false,
    paymentWebhookSecret: 'test-webhook-secret-0123456789abcdef',
    contributionRateLimit: 1000,
    // Tests drive the scheduler and the outbox by hand, with the clock they control.
    runWorkers: false,
    ...overrides,
  };
}

/**
 * The whole application on its own fresh database (or on `databaseUrl`, to run a second instance on
 * it). `logDestination` receives the logs (set `config.logLevel` too, they are silent by default).
 */
export async function startTestApp(
  opts: { config?: Partial<AppConfig>; clock?: FixedClock; databaseUrl?: string; logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const clock = opts.clock ?? new FixedClock(new Date('2026-03-01T09:00:00Z'));
  const app = await createApp({ ...testConfig(opts.config), databaseUrl }, clock, opts.logDestination);
  await app.init();
  const server = app.getHttpServer();
  installContractCheck(server);
  return {
    app,
    databaseUrl,
    clock,
    ds: app.get(DataSource),
    http: () => request.agent(server),
    tick: () => app.get(ProgrammesScheduler).tick(),
    sendMail: () => app.get(OutboxWorker).drain(),
    sendMailOnce: () => app.get(OutboxWorker).runOnce(),
    close: () => app.close(),
  };
}
