import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sharedTranslations } from '../../../src/common/web/i18n.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Built from a variable part in coach-reviews.service.ts, matching.service.ts, campaigns-staff.service.ts and settlement.service.ts. */
const RECORDED_FROM_PARTS = [
  'coaching.validated',
  'coaching.changes_requested',
  'matching.pair_freed',
  'matching.pair_locked',
  'matching.pair_forbidden',
  'campaign.approved',
  'campaign.changes_requested',
  'campaign.funded',
  'campaign.not_funded',
];

function recordedActions(): Set<string> {
  const actions = new Set<string>(RECORDED_FROM_PARTS);
  for (const file of sources('src')) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\baction: '([a-z_]+\.[a-z_]+)'/g)) actions.add(m[1]);
    for (const m of readFileSync(file, 'utf8').matchAll(/\? '([a-z_]+\.[a-z_]+)' : '([a-z_]+\.[a-z_]+)'/g)) [m[1], m[2]].forEach((a) => actions.add(a));
  }
  return actions;
}

describe('audit log labels', () => {
  it('names every action the code records, in every language', () => {
    const actions = recordedActions();
    expect(actions.size).toBeGreaterThan(40);
    const tr = sharedTranslations();
    const missing = [...actions].filter((a) => !tr.has(`auditAction.${a}`));
    expect(missing).toEqual([]);
    for (const lang of tr.locales) expect(tr.t(lang, 'auditAction.report.published')).not.toBe('auditAction.report.published');
  });
});

describe('audit log sentences', () => {
  it('has a sentence for every action the code records, in every language, naming who and what', () => {
    const tr = sharedTranslations();
    const missing = [...recordedActions()].filter((a) => !tr.has(`auditLine.${a}`));
    expect(missing).toEqual([]);
    for (const a of recordedActions())
      for (const lang of tr.locales) {
        const source = tr.t(lang, `auditLine.${a}`, { actor: 'ACTOR', subject: 'SUBJECT', subjectOf: 'SUBJECT' });
        expect(source).toContain('ACTOR');
        // Only the payment key rotation names no object (there is one per authority).
        if (a !== 'payment_settings.rotation_ended') expect(source).toContain('SUBJECT');
      }
  });
});
