import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTranslations } from '../../../src/common/web/i18n.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('audit log labels', () => {
  it('names every action the code records, in every language', () => {
    const actions = new Set<string>();
    for (const file of sources('src')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\baction: '([a-z_]+\.[a-z_]+)'/g)) actions.add(m[1]);
    }
    // Built from a variable part in coach-reviews.service.ts and matching.service.ts.
    for (const a of ['coaching.validated', 'coaching.changes_requested', 'matching.pair_freed', 'matching.pair_locked', 'matching.pair_forbidden'])
      actions.add(a);
    expect(actions.size).toBeGreaterThan(40);
    const tr = sharedTranslations();
    const missing = [...actions].filter((a) => !tr.has(`auditAction.${a}`));
    expect(missing).toEqual([]);
    for (const lang of tr.locales) expect(tr.t(lang, 'auditAction.report.published')).not.toBe('auditAction.report.published');
  });
});
