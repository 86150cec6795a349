import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Guard rails for the module boundaries (issue 14): every import follows the dependency table, and
 * every table named in an SQL string belongs to the module whose file names it, except the read
 * models and the listed exceptions. Both lists live in docs/architecture.md, for newcomers.
 */
const ROOT = resolve(process.cwd(), 'src');
const DOC = readFileSync(resolve(process.cwd(), 'docs/architecture.md'), 'utf8');

function block(name: string): string[] {
  const m = new RegExp('```' + name + '\\n([\\s\\S]*?)```').exec(DOC);
  if (!m) throw new Error(`docs/architecture.md has no \`\`\`${name} block`);
  return m[1]
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** `module: dep, dep` lines. */
const ALLOWED = new Map(
  block('dependencies').map((line) => {
    const [mod, deps = ''] = line.split(':');
    return [
      mod.trim(),
      new Set(
        deps
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean),
      ),
    ];
  }),
);
/** Modules whose SQL may read any table: read models, seeds, operations. */
const READ_MODELS = new Set(block('read-models').map((l) => l.split(/\s+/)[0]));
/** `path table` lines: a join kept on purpose (the reason follows in the document). */
const EXCEPTIONS = new Set(block('sql-exceptions').map((l) => l.split(/\s+/).slice(0, 2).join(' ')));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}
const SOURCES = files(ROOT);
const moduleOf = (file: string) => {
  const parts = relative(ROOT, file).split('/');
  return parts.length === 1 ? '(root)' : parts[0];
};

describe('architecture', () => {
  it('imports only what the dependency table allows', () => {
    const problems: string[] = [];
    for (const file of SOURCES) {
      const from = moduleOf(file);
      const allowed = ALLOWED.get(from);
      if (!allowed) {
        problems.push(`${relative(ROOT, file)}: module "${from}" is not in the dependency table`);
        continue;
      }
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(ROOT)) continue;
        const to = moduleOf(`${target}.ts`);
        if (to !== from && !allowed.has(to) && !allowed.has('*')) problems.push(`${relative(ROOT, file)} imports ${to} (${spec})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps common and config leaves: they import no domain module', () => {
    expect([...(ALLOWED.get('common') ?? [])].filter((d) => d !== 'config')).toEqual([]);
    expect([...(ALLOWED.get('config') ?? [])].filter((d) => d !== 'common')).toEqual([]);
  });

  it('names in SQL only the tables of the module that owns them, or a listed exception', () => {
    const owner = new Map<string, string>();
    for (const file of SOURCES) {
      for (const [, table] of readFileSync(file, 'utf8').matchAll(/@Entity\('([a-z_]+)'\)/g)) owner.set(table, moduleOf(file));
    }
    expect(owner.size).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const file of SOURCES) {
      const mod = moduleOf(file);
      if (READ_MODELS.has(mod) || READ_MODELS.has(relative(ROOT, file))) continue;
      const text = readFileSync(file, 'utf8');
      // SQL lives in template literals and strings: look for table names after the keywords that take one.
      for (const [, table] of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+"?([a-z_]+)"?/g)) {
        const own = owner.get(table);
        if (!own || own === mod) continue;
        const key = `${relative(ROOT, file)} ${table}`;
        if (!EXCEPTIONS.has(key)) problems.push(`${key} (owned by ${own})`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('keeps files short, but for pure algorithms in domain/', () => {
    const long = SOURCES.filter((f) => !f.includes('/domain/') && !f.includes('/database/demo-'))
      .map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 450);
    expect(long).toEqual([]);
  });
});
