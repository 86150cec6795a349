import { auditLine, namesWanted, type AuditLineEntry, type NamedObject } from '../../../src/audit/domain/audit-line.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';

const tr = sharedTranslations();
const CAMPAIGN = '11111111-1111-4111-8111-111111111111';
const PROGRAMME = '22222222-2222-4222-8222-222222222222';
const CLAIRE = '33333333-3333-4333-8333-333333333333';
const PARTNER = '44444444-4444-4444-8444-444444444444';

function ctx(locale: string, names: Record<string, NamedObject> = {}) {
  return {
    t: (key: string, vars?: Record<string, unknown>) => tr.t(locale, key, vars),
    has: (key: string) => tr.has(key),
    names: (type: string, id: string) => names[`${type}:${id}`],
    locale,
    basePath: '/t/ville',
  };
}

const names: Record<string, NamedObject> = {
  [`user:${CLAIRE}`]: { text: 'Claire Martin', href: `/staff/people/${CLAIRE}` },
  [`campaign:${CAMPAIGN}`]: { text: 'Atelier vélo', lang: 'fr', href: `/staff/programmes/${PROGRAMME}/campaigns` },
  [`programme:${PROGRAMME}`]: { text: 'Makers 2026', lang: 'fr', href: `/staff/programmes/${PROGRAMME}` },
  [`partner:${PARTNER}`]: { text: 'Banque <Locale>', href: null },
};

const entry = (e: Partial<AuditLineEntry>): AuditLineEntry => ({
  action: 'x.y',
  subjectType: 'programme',
  subjectId: PROGRAMME,
  data: {},
  actorUserId: null,
  ...e,
});

describe('audit entry sentences', () => {
  it('names the actor and the object, the object as a link to its page', () => {
    const line = auditLine(ctx('fr', names), entry({ action: 'campaign.approved', subjectType: 'campaign', subjectId: CAMPAIGN, actorUserId: CLAIRE }));
    expect(line.text).toBe('Claire Martin a approuvé la campagne « Atelier vélo »');
    expect(line.html).toBe(
      `<a href="/t/ville/staff/people/${CLAIRE}">Claire Martin</a> a approuvé la campagne « <a href="/t/ville/staff/programmes/${PROGRAMME}/campaigns">Atelier vélo</a> »`,
    );
  });

  it('says the schedule moved a programme, with the phases by their labels', () => {
    const e = entry({ action: 'programme.phase_changed', data: { from: 'call_open', to: 'screening', trigger: 'schedule' } });
    expect(auditLine(ctx('fr', names), e).text).toBe(
      `Le calendrier a fait passer le programme « Makers 2026 » de la phase ${tr.t('fr', 'phase.call_open')} à ${tr.t('fr', 'phase.screening')}`,
    );
    expect(auditLine(ctx('en', names), e).text).toContain('The schedule moved the programme “');
    // A French title on an English page is marked as French.
    expect(auditLine(ctx('en', names), e).html).toContain('lang="fr">Makers 2026</a>');
  });

  it('reads well when the object or the person is gone', () => {
    const e = entry({ action: 'campaign.approved', subjectType: 'campaign', subjectId: CAMPAIGN, actorUserId: CLAIRE });
    expect(auditLine(ctx('fr'), e).text).toBe('Une personne qui n’a plus de compte a approuvé une campagne');
    expect(auditLine(ctx('en'), e).text).toBe('A person without an account any more approved a campaign');
    expect(auditLine(ctx('nl'), e).text).toBe('Iemand zonder account heeft een campagne goedgekeurd');
    expect(auditLine(ctx('fr'), e).html).not.toContain(CAMPAIGN);
  });

  it('escapes names and counts arrays in the data', () => {
    const line = auditLine(ctx('en', names), entry({ action: 'matching.pair_locked', actorUserId: CLAIRE, data: { partnerId: PARTNER } }));
    expect(line.html).toContain('Banque &lt;Locale&gt;');
    expect(line.text).toContain('Banque <Locale>');
    const plan = auditLine(ctx('fr', names), entry({ action: 'coaching.plan_saved', data: { milestones: [{}, {}, {}] } }));
    expect(plan.text).toBe('Le système a enregistré le plan d’accompagnement du programme « Makers 2026 » (3 étapes)');
  });

  it('falls back to the label, then to the code, for an action without a sentence', () => {
    expect(auditLine(ctx('fr'), entry({ action: 'unknown.thing' })).text).toBe('unknown.thing');
  });

  it('asks for each id once, per kind of object', () => {
    const wanted = namesWanted([
      entry({ actorUserId: CLAIRE, data: { partnerId: PARTNER } }),
      entry({ actorUserId: CLAIRE, subjectType: 'campaign', subjectId: CAMPAIGN, data: { coachUserId: CLAIRE } }),
    ]);
    expect([...wanted.get('user')!]).toEqual([CLAIRE]);
    expect([...wanted.get('partner')!]).toEqual([PARTNER]);
    expect([...wanted.get('campaign')!]).toEqual([CAMPAIGN]);
  });
});
