/**
 * `npm run check:advisories` (CI, before the tests): the production dependencies pinned by
 * package-lock.json against the known advisories in security/advisories.json. Exits 1 listing every
 * match. For machines where `npm audit --omit=dev` cannot reach its endpoint; where it can, run that
 * too (see README, Operations > Security).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

export interface Advisory {
  id: string;
  package: string;
  /** A semver range of the affected versions. */
  vulnerable: string;
  fixed?: string;
  severity?: string;
  title?: string;
  url?: string;
}

interface LockEntry {
  version?: string;
  name?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
}

export interface LockFile {
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** Where npm installs it, e.g. node_modules/a/node_modules/b. */
  path: string;
  optional: boolean;
}

/**
 * Every package an `npm ci --omit=dev` installs: lock entries not marked dev. Optional ones (the
 * embedded PostgreSQL, platform builds) count: `npm start` installs them.
 */
export function productionPackages(lock: LockFile): InstalledPackage[] {
  if (!lock.packages) throw new Error('package-lock.json has no "packages" section (lockfileVersion 2 or 3 is needed)');
  return Object.entries(lock.packages)
    .filter(([path, e]) => path.includes('node_modules/') && !e.dev && !e.link && e.version)
    .map(([path, e]) => ({
      name: e.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: e.version!,
      path,
      optional: !!(e.optional || e.devOptional),
    }));
}

/** Advisories whose range is not valid semver: a typo there would silently match nothing. */
export function invalidAdvisories(advisories: Advisory[]): Advisory[] {
  return advisories.filter((a) => !a.id || !a.package || !a.vulnerable || semver.validRange(a.vulnerable) === null);
}

export function findVulnerable(lock: LockFile, advisories: Advisory[]): Array<{ pkg: InstalledPackage; advisory: Advisory }> {
  const byName = new Map<string, Advisory[]>();
  for (const a of advisories) byName.set(a.package, [...(byName.get(a.package) ?? []), a]);
  return productionPackages(lock).flatMap((pkg) =>
    (byName.get(pkg.name) ?? [])
      // Pre-releases of an affected line are affected too.
      .filter((a) => semver.valid(pkg.version) !== null && semver.satisfies(pkg.version, a.vulnerable, { includePrerelease: true }))
      .map((advisory) => ({ pkg, advisory })),
  );
}

function main(root: string): number {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as LockFile;
  const { advisories } = JSON.parse(readFileSync(join(root, 'security', 'advisories.json'), 'utf8')) as { advisories: Advisory[] };
  const invalid = invalidAdvisories(advisories);
  for (const a of invalid)
    console.error(`security/advisories.json: ${a.id || '(no id)'} ${a.package || '(no package)'}: "${a.vulnerable}" is not a semver range`);
  const found = findVulnerable(lock, advisories);
  for (const { pkg, advisory: a } of found) {
    console.error(
      `${pkg.name}@${pkg.version} (${pkg.path}${pkg.optional ? ', optional' : ''}): ${a.id}${a.severity ? ` [${a.severity}]` : ''} ${a.title ?? ''}, ` +
        `affected ${a.vulnerable}${a.fixed ? `, fixed in ${a.fixed}` : ''}${a.url ? ` ${a.url}` : ''}`,
    );
  }
  const count = productionPackages(lock).length;
  if (found.length || invalid.length) {
    console.error(
      `${found.length} production package(s) with a known advisory among ${count}${invalid.length ? `; ${invalid.length} advisory entries to fix` : ''}.`,
    );
    return 1;
  }
  console.log(`No known advisory among the ${count} production packages of package-lock.json (${advisories.length} advisories checked).`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(main(process.cwd()));
}
