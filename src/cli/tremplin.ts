import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { loadConfig } from '../config/load-config.js';
import { deriveKey } from '../campaigns/domain/sealing.js';
import { backupTo, restoreFrom, secretsSealedElsewhere } from '../database/backup.js';
import { startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { runMigrations } from '../database/migrate.js';
import { PlatformService } from '../platform/platform.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { localizeProblems } from '../common/errors/validation.js';
import { ERROR_CATALOGUE } from '../error-catalogue.js';
import { isValidTimeZone } from '../common/time/zoned.js';
import { sharedTranslations } from '../common/web/i18n.js';

/**
 * `npm run tremplin -- <command>`: what an operator does without SQL. Works on DATABASE_URL or on the
 * embedded database under DATA_DIR; each command validates its input and exits non-zero with one line.
 */
const HELP = `Usage: npm run tremplin -- <command> [options]

Commands:
  create-platform-admin --email <e> [--name <n>]
      Adds a platform admin (idempotent), prints a one-time sign-in link and e-mails it.
  create-authority --slug <s> --name <n> [--host <h>]... --staff-email <e> [--staff-name <n>]
                   [--languages fr,en,nl] [--language <default>] [--time-zone <tz>]
      Adds an authority; its first staff member gets an invitation e-mail.
  list-authorities
      Lists the authorities with their hosts, programmes and staff.
  migrate
      Applies pending database migrations.
  backup --to <file>
      Writes a consistent backup of the whole installation (gzip'd JSON lines).
  restore --from <file>
      Restores a backup into an empty database (a new DATA_DIR, or an empty DATABASE_URL).
`;

export class CliError extends Error {}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

type Options = Record<string, string | string[] | boolean | undefined>;

const SPEC = {
  email: { type: 'string' },
  name: { type: 'string' },
  slug: { type: 'string' },
  host: { type: 'string', multiple: true },
  'staff-email': { type: 'string' },
  'staff-name': { type: 'string' },
  language: { type: 'string' },
  languages: { type: 'string' },
  'time-zone': { type: 'string' },
  to: { type: 'string' },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const need = (o: Options, key: string): string => {
  const v = o[key];
  if (typeof v !== 'string' || !v.trim()) throw new CliError(`--${key} is required (see --help)`);
  return v.trim();
};

/** Runs one command; the exit code is returned, never thrown, so that tests can run it in-process. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  io: CliIo = { out: console.log, err: console.error },
): Promise<number> {
  let parsed: { values: Options; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true }) as unknown as typeof parsed;
  } catch (err) {
    io.err(`tremplin: ${(err as Error).message}`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (!command || parsed.values.help) {
    io.out(HELP);
    return command || parsed.values.help ? 0 : 2;
  }
  const commands: Record<string, (o: Options, c: AppConfig, url: string) => Promise<void>> = {
    'create-platform-admin': async (o, c, url) =>
      withApp(c, url, async (platform) => {
        const email = need(o, 'email');
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new CliError('--email must be an e-mail address');
        const { created, link } = await platform.createAdmin(email, typeof o.name === 'string' ? o.name : undefined);
        io.out(`${created ? 'Platform admin created' : 'Platform admin already exists'}: ${email.toLowerCase()}`);
        io.out(`One-time sign-in link (valid 30 minutes, also e-mailed): ${link}`);
      }),
    'create-authority': async (o, c, url) =>
      withApp(c, url, async (platform) => {
        const installed = sharedTranslations().locales;
        const languages = typeof o.languages === 'string' ? o.languages.split(/[\s,]+/).filter(Boolean) : undefined;
        const language = typeof o.language === 'string' ? o.language : undefined;
        for (const l of [...(languages ?? []), ...(language ? [language] : [])]) {
          if (!installed.includes(l)) throw new CliError(`--languages and --language must be among: ${installed.join(', ')}`);
        }
        const timeZone = typeof o['time-zone'] === 'string' ? o['time-zone'] : 'Europe/Paris';
        if (!isValidTimeZone(timeZone)) throw new CliError('--time-zone must be an IANA time zone such as Europe/Paris');
        const slug = need(o, 'slug').toLowerCase();
        if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw new CliError('--slug must be 2-63 lower-case letters, digits or dashes');
        const { tenant } = await platform.createAuthority(
          {
            slug,
            name: need(o, 'name'),
            hosts: ((o.host as string[] | undefined) ?? []).map((h) => h.trim().toLowerCase()),
            staffEmail: need(o, 'staff-email').toLowerCase(),
            staffName: typeof o['staff-name'] === 'string' ? o['staff-name'] : undefined,
            ...(languages ? { languages, defaultLanguage: language } : { language: language ?? 'fr' }),
            timeZone,
          },
          { email: 'command line (create-authority)' },
        );
        io.out(
          `Authority created: ${tenant.name} (${tenant.slug}); the invitation to ${need(o, 'staff-email').toLowerCase()} is queued and leaves with the running app's next e-mail pass`,
        );
      }),
    'list-authorities': async (_o, c, url) =>
      withApp(c, url, async (platform) => {
        const list = await platform.listAuthorities();
        if (!list.length) io.out('No authority yet: add one with create-authority.');
        for (const a of list) {
          io.out(`${a.slug}\t${a.name}\t${a.hosts.join(',') || '-'}\t${a.programmes} programme(s)\t${a.staff} staff${a.suspendedAt ? '\tSUSPENDED' : ''}`);
        }
      }),
    migrate: async (_o, _c, url) => {
      const ran = await runMigrations(url);
      io.out(ran.length ? `${ran.length} migration(s) applied.` : 'The database is up to date.');
    },
    backup: async (o, _c, url) => {
      const file = need(o, 'to');
      const { tables, rows } = await backupTo(url, file);
      io.out(`Backup written to ${file}: ${rows} row(s) from ${tables} table(s).`);
      io.out('Keep APP_SECRET (or DATA_DIR/app-secret) with it: payment secrets and sign-in state need it to be read after a restore.');
    },
    restore: async (o, c, url) => {
      const file = need(o, 'from');
      if (!existsSync(file)) throw new CliError(`${file} does not exist`);
      const { rows } = await restoreFrom(url, file);
      io.out(`Restored ${rows} row(s) from ${file}.`);
      // Payment secrets are sealed under a key derived from APP_SECRET: another secret cannot open them.
      const foreign = await secretsSealedElsewhere(url, deriveKey(c.appSecret).keyId);
      if (foreign) {
        io.err(
          `tremplin: warning: ${foreign} payment secret(s) were sealed with another APP_SECRET: start the app with the APP_SECRET of the installation this backup comes from (or copy its DATA_DIR/app-secret), or staff must set them again.`,
        );
      }
    },
  };
  const run = commands[command];
  if (!run) {
    io.err(`tremplin: unknown command "${command}" (see --help)`);
    return 2;
  }
  let stop = async () => {};
  try {
    const config = loadConfig(env);
    let url = config.databaseUrl;
    if (!url) {
      const embedded = await startEmbeddedPostgres(config.dataDir, { persistent: true, log: () => {}, shareRunning: command !== 'restore' });
      url = embedded.url;
      stop = () => embedded.stop();
    }
    // A backup reads the database as it is (before an upgrade, it must not upgrade it).
    if (command !== 'restore' && command !== 'migrate' && command !== 'backup') await runMigrations(url);
    await run(parsed.values, config, url);
    return 0;
  } catch (err) {
    io.err(`tremplin: ${describe(err)}`);
    return 1;
  } finally {
    await stop().catch(() => undefined);
  }
}

function describe(err: unknown): string {
  if (err instanceof ConfigError) return err.problems.join('; ');
  if (err instanceof DomainError) {
    // The catalogue's sentence (operators read English here), then each bad field.
    const sentence = new ErrorMessages(ERROR_CATALOGUE).message(err, 'en');
    // A message from the catalogue names its field already.
    const fields = localizeProblems(err.fieldErrors, 'en')
      .map((f) => (f.key ? f.message : `${f.field} ${f.message}`))
      .join('; ');
    return fields ? `${sentence} ${fields}` : sentence;
  }
  return (err as Error)?.message ?? String(err);
}

/** The real services (no HTTP server, no background workers), on the given database. */
async function withApp(config: AppConfig, databaseUrl: string, work: (platform: PlatformService) => Promise<void>): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.register({ ...config, databaseUrl, runWorkers: false, logLevel: 'warn' }), {
    logger: ['error'],
  });
  try {
    await work(app.get(PlatformService));
  } finally {
    await app.close();
  }
}

const invokedDirectly = process.argv[1]?.endsWith('/cli/tremplin.js');
if (invokedDirectly) process.exit(await runCli(process.argv.slice(2)));
