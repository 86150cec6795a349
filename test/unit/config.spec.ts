import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('configuration', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'cfg-'));

  it('has working defaults for a fresh machine, with a secret generated once and kept', () => {
    const dir = dataDir();
    const a = loadConfig({ DATA_DIR: dir });
    expect(a.port).toBe(3000);
    expect(a.seedDemo).toBe(true);
    expect(a.appSecret).toHaveLength(64);
    expect(readFileSync(join(dir, 'app-secret'), 'utf8')).toBe(a.appSecret);
    expect(loadConfig({ DATA_DIR: dir }).appSecret).toBe(a.appSecret);
  });

  it('gives one clear message per bad variable', () => {
    try {
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail', PUBLIC_URL: 'not a url', APP_SECRET: 'short' });
      throw new Error('should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT="eighty": PORT must be a whole number from 0 to 65535');
      expect(problems).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
      expect(problems).toContain('SMTP_URL must be an smtp:// or smtps:// URL');
      expect(problems).toContain('PUBLIC_URL must be an http(s) URL');
      expect(problems).toContain('APP_SECRET=(hidden): APP_SECRET must be at least 32 characters long');
      expect(problems).not.toContain('short');
    }
  });

  it('requires APP_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u:p@db/x' })).toThrow(
      /APP_SECRET is required in production/,
    );
  });

  it('requires PUBLIC_URL in production, since links never come from a request', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u:p@db/x', APP_SECRET: 'x'.repeat(32) })).toThrow(
      /PUBLIC_URL is required in production/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        DATA_DIR: dataDir(),
        DATABASE_URL: 'postgres://u:p@db/x',
        APP_SECRET: 'x'.repeat(32),
        PUBLIC_URL: 'https://f.example.fr/',
      }).publicUrl,
    ).toBe('https://f.example.fr');
  });

  it('does not seed the demo on an external database unless asked', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u:p@db/x' }).seedDemo).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u:p@db/x', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('limits each authority to 600 rated e-mails a minute unless told otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).mailRatePerMinute).toBe(600);
    expect(loadConfig({ DATA_DIR: dataDir(), MAIL_RATE_PER_MINUTE: '120' }).mailRatePerMinute).toBe(120);
    expect(() => loadConfig({ DATA_DIR: dataDir(), MAIL_RATE_PER_MINUTE: '0' })).toThrow(/MAIL_RATE_PER_MINUTE/);
  });

  it('takes the commit shown by /healthz/ready from GIT_COMMIT, checked to be a hash', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), GIT_COMMIT: 'ABCDEF1' }).gitCommit).toBe('abcdef1');
    expect(() => loadConfig({ DATA_DIR: dataDir(), GIT_COMMIT: 'main; rm -rf /' })).toThrow(/GIT_COMMIT must be a git commit hash/);
  });
});
