import { NOTICE_KEYS, noticeKeyFor } from '../../../src/common/web/notices.js';
import { statusClass, statusMeaning } from '../../../src/common/web/status-meaning.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';

describe('success notices', () => {
  it('maps a page and its ?saved= value to a catalogue key, and nothing else', () => {
    expect(noticeKeyFor('pages/jury/staff', '/staff/programmes/p/jury?saved=close')).toBe('notice.voteClosed');
    expect(noticeKeyFor('pages/staff/branding', '/staff/branding?lang=en&saved=1')).toBe('notice.branding');
    expect(noticeKeyFor('pages/jury/staff', '/staff/programmes/p/jury')).toBeNull();
    expect(noticeKeyFor('pages/jury/staff', '/staff/programmes/p/jury?saved=%3Cscript%3E')).toBeNull();
    expect(noticeKeyFor('pages/jury/staff', '/staff/programmes/p/jury?saved=constructor')).toBeNull();
    expect(noticeKeyFor('pages/unknown', '/x?saved=1')).toBeNull();
  });

  it('has every notice in every language', () => {
    const tr = sharedTranslations();
    for (const key of NOTICE_KEYS) for (const lang of ['fr', 'en', 'nl']) expect(tr.t(lang, key)).not.toBe('');
  });
});

describe('status badges by meaning', () => {
  it('gives each status family its meaning', () => {
    expect(statusMeaning('screening.pending')).toBe('todo');
    expect(statusMeaning('screening.eligible')).toBe('done');
    expect(statusMeaning('public.outcome.not_funded')).toBe('refused');
    expect(statusMeaning('screening.ineligible')).toBe('refused');
    expect(statusMeaning('jury.status.open')).toBe('progress');
    expect(statusMeaning('coaching.status.overdue')).toBe('refused');
    expect(statusMeaning('campaignEdit.status.live')).toBe('progress');
    expect(statusMeaning('contribution.status.failed')).toBe('refused');
    expect(statusMeaning('phase.results')).toBe('done');
    expect(statusMeaning('phase.nonsense')).toBe('neutral');
    expect(statusMeaning('nokey')).toBe('neutral');
    expect(statusClass('partners.status.confirmed')).toBe('badge-done');
  });
});
