import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type AppConfig, ConfigError, parseEnvironment } from './app-config.js';

/**
 * Reads and validates process.env. In production APP_SECRET and PUBLIC_URL are required; elsewhere a secret is
 * generated once and kept in DATA_DIR so that sessions and links survive a restart.
 */
export function loadConfig(raw: Record<string, string | undefined> = process.env): AppConfig {
  const env = parseEnvironment(raw);
  const dataDir = resolve(env.DATA_DIR);
  let appSecret = env.APP_SECRET;
  if (!appSecret) {
    if (env.NODE_ENV === 'production') {
      throw new ConfigError(['APP_SECRET is required in production (at least 32 random characters, e.g. `openssl rand -hex 32`)']);
    }
    appSecret = readOrCreateSecret(dataDir);
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
    // Links in e-mails are built from configuration only, never from a request's Host header.
    throw new ConfigError(['PUBLIC_URL is required in production (the address people use, e.g. https://financement.example.fr)']);
  }
  return {
    env: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    port: env.PORT,
    dataDir,
    appSecret,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, ''),
    seedDemo: env.SEED_DEMO ?? !env.DATABASE_URL,
    platformAdminEmail: env.PLATFORM_ADMIN_EMAIL,
    logLevel: env.LOG_LEVEL,
    schedulerIntervalMs: env.SCHEDULER_INTERVAL_MS,
    outboxIntervalMs: env.OUTBOX_INTERVAL_MS,
    mailRatePerMinute: env.MAIL_RATE_PER_MINUTE,
    signInRateLimit: env.SIGN_IN_RATE_LIMIT,
    signInLinkTtlMinutes: env.SIGN_IN_LINK_TTL_MINUTES,
    sessionTtlDays: env.SESSION_TTL_DAYS,
    apiTokenTtlDays: env.API_TOKEN_TTL_DAYS,
    trustProxy: env.TRUST_PROXY,
    paymentWebhookSecret: env.PAYMENT_WEBHOOK_SECRET,
    paymentCheckoutUrl: env.PAYMENT_CHECKOUT_URL,
    stripeApiUrl: env.STRIPE_API_URL,
    paymentRefundUrlAllowPrivate: env.PAYMENT_REFUND_URL_ALLOW_PRIVATE ?? false,
    contributionRateLimit: env.CONTRIBUTION_RATE_LIMIT,
    runWorkers: true,
    gitCommit: env.GIT_COMMIT?.toLowerCase(),
  };
}

function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
