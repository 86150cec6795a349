import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Matches, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());

const PORT_MESSAGE = 'PORT must be a whole number from 0 to 65535';

/**
 * The environment, validated once at start. This is the only place that reads process.env
 * (see loadConfig); everything else receives an AppConfig.
 */
export class Environment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DATABASE_POOL_SIZE: number = 10;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: PORT_MESSAGE })
  @Min(0, { message: PORT_MESSAGE })
  @Max(65535, { message: PORT_MESSAGE })
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  @MinLength(1)
  DATA_DIR: string = './.data';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'APP_SECRET must be at least 32 characters long' })
  APP_SECRET?: string;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsEmail({}, { message: 'MAIL_FROM must be an e-mail address' })
  MAIL_FROM: string = 'no-reply@tremplin.localhost';

  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    {
      message: 'PUBLIC_URL must be an http(s) URL, e.g. https://tremplin.example.org',
    },
  )
  PUBLIC_URL?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SEED_DEMO?: boolean;

  @IsOptional()
  @IsEmail({}, { message: 'PLATFORM_ADMIN_EMAIL must be an e-mail address' })
  PLATFORM_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SCHEDULER_INTERVAL_MS: number = 10_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  OUTBOX_INTERVAL_MS: number = 2_000;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAIL_RATE_PER_MINUTE: number = 600;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SIGN_IN_RATE_LIMIT: number = 10;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  SIGN_IN_LINK_TTL_MINUTES: number = 30;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  SESSION_TTL_DAYS: number = 14;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  API_TOKEN_TTL_DAYS: number = 30;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY: boolean = false;

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'PAYMENT_WEBHOOK_SECRET must be at least 24 characters long' })
  PAYMENT_WEBHOOK_SECRET?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    {
      message: 'PAYMENT_CHECKOUT_URL must be an http(s) URL of the payment page',
    },
  )
  PAYMENT_CHECKOUT_URL?: string;

  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'STRIPE_API_URL must be an http(s) URL (only to point the Stripe provider at a local stand-in)' },
  )
  STRIPE_API_URL?: string;

  /** Lets staff set a refund URL on a private network address (an operator's endpoint inside the authority's network). */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  PAYMENT_REFUND_URL_ALLOW_PRIVATE?: boolean;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  CONTRIBUTION_RATE_LIMIT: number = 30;

  @IsOptional()
  @Matches(/^[0-9a-f]{7,40}$/i, { message: 'GIT_COMMIT must be a git commit hash (7 to 40 hexadecimal digits)' })
  GIT_COMMIT?: string;
}

export interface AppConfig {
  env: Environment['NODE_ENV'];
  databaseUrl?: string;
  databasePoolSize: number;
  port: number;
  dataDir: string;
  appSecret: string;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl?: string;
  seedDemo: boolean;
  /** Creates the first platform admin at start when there is none yet. */
  platformAdminEmail?: string;
  logLevel: string;
  schedulerIntervalMs: number;
  outboxIntervalMs: number;
  /** Personal and bulk e-mails each authority may send per minute, across instances; transactional mail is exempt. */
  mailRatePerMinute: number;
  signInRateLimit: number;
  signInLinkTtlMinutes: number;
  /** A browser session ends this many days after its last use. */
  sessionTtlDays: number;
  /** An API bearer token ends this many days after its last use (unless revoked before). */
  apiTokenTtlDays: number;
  trustProxy: boolean;
  /** Shared secret of the webhook payment provider (HMAC-SHA256); webhooks are refused without it. */
  paymentWebhookSecret?: string;
  /** Where the webhook provider's payment page is: contributors are sent there with `?reference=`. */
  paymentCheckoutUrl?: string;
  /** Where the Stripe SDK sends its calls; unset: Stripe's own API. For tests and local stand-ins only. */
  stripeApiUrl?: string;
  /** PAYMENT_REFUND_URL_ALLOW_PRIVATE: a refund URL may name a private address. */
  paymentRefundUrlAllowPrivate?: boolean;
  /** Contributions per minute from one address. */
  contributionRateLimit: number;
  /** Background loops (scheduler, outbox worker); tests drive them by hand. */
  runWorkers: boolean;
  /** The commit this build comes from, shown by /healthz/ready (else read from dist/build-info.json). */
  gitCommit?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates raw variables; returns one readable message per bad variable. */
export function parseEnvironment(raw: Record<string, string | undefined>): Environment {
  const known = Object.fromEntries(ENVIRONMENT_KEYS.filter((k) => raw[k] !== undefined && raw[k] !== '').map((k) => [k, raw[k]]));
  const env = plainToInstance(Environment, known, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length) {
    throw new ConfigError(
      errors.map((e) => {
        const shown = e.property === 'APP_SECRET' ? '(hidden)' : JSON.stringify(raw[e.property]);
        return `${e.property}=${shown}: ${[...new Set(Object.values(e.constraints ?? {}))].join('; ')}`;
      }),
    );
  }
  return env;
}

export const ENVIRONMENT_KEYS = [
  'NODE_ENV',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'PORT',
  'DATA_DIR',
  'APP_SECRET',
  'SMTP_URL',
  'MAIL_FROM',
  'PUBLIC_URL',
  'SEED_DEMO',
  'PLATFORM_ADMIN_EMAIL',
  'LOG_LEVEL',
  'SCHEDULER_INTERVAL_MS',
  'OUTBOX_INTERVAL_MS',
  'MAIL_RATE_PER_MINUTE',
  'SIGN_IN_RATE_LIMIT',
  'SIGN_IN_LINK_TTL_MINUTES',
  'SESSION_TTL_DAYS',
  'API_TOKEN_TTL_DAYS',
  'TRUST_PROXY',
  'PAYMENT_WEBHOOK_SECRET',
  'PAYMENT_CHECKOUT_URL',
  'STRIPE_API_URL',
  'PAYMENT_REFUND_URL_ALLOW_PRIVATE',
  'CONTRIBUTION_RATE_LIMIT',
  'GIT_COMMIT',
] as const;
