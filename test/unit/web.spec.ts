import { localizeProblems } from '../../src/common/errors/validation.js';
import { safeRedirectPath } from '../../src/auth/domain/tokens.js';
import { offsetMs, zonedWallTimeToInstant } from '../../src/common/time/zoned.js';
import { toLocalInput } from '../../src/common/web/view.service.js';
import { checkBrandColours, contrastRatio } from '../../src/tenants/domain/branding.js';

describe('wall-clock times in the authority time zone', () => {
  it('converts summer and winter times in Paris', () => {
    expect(zonedWallTimeToInstant('2026-07-01T09:00', 'Europe/Paris')!.toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(zonedWallTimeToInstant('2026-01-15T09:00', 'Europe/Paris')!.toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(zonedWallTimeToInstant('2026-07-01T09:00', 'America/Cayenne')!.toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });

  it('handles the daylight-saving changes (gap and repeated hour)', () => {
    // 29 March 2026, 02:30 does not exist in Paris: it becomes 03:30 CEST (01:30Z).
    expect(zonedWallTimeToInstant('2026-03-29T02:30', 'Europe/Paris')!.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 25 October 2026, 02:30 happens twice: the first one (CEST, 00:30Z) is taken.
    expect(zonedWallTimeToInstant('2026-10-25T02:30', 'Europe/Paris')!.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(offsetMs(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Paris')).toBe(3_600_000);
  });

  it('round-trips with the form value', () => {
    const at = zonedWallTimeToInstant('2026-09-01T18:30', 'Europe/Paris')!;
    expect(toLocalInput(at, 'Europe/Paris')).toBe('2026-09-01T18:30');
  });

  it('rejects what is not a date', () => {
    expect(zonedWallTimeToInstant('2026-02-30T09:00', 'Europe/Paris')).toBeUndefined();
    expect(zonedWallTimeToInstant('tomorrow', 'Europe/Paris')).toBeUndefined();
  });
});

describe('brand colours', () => {
  it('computes WCAG contrast', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 0);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
  });

  it('refuses colours too light for white text', () => {
    expect(checkBrandColours({ primaryColor: '#1f4e9c', accentColor: '#a3461a' })).toEqual([]);
    const problems = checkBrandColours({ primaryColor: '#ffdd00' });
    expect(problems).toHaveLength(1);
    expect(problems[0].field).toBe('primaryColor');
    expect(localizeProblems(problems, 'en')[0].message).toMatch(/^Main colour: its contrast with white is 1\.\d\d:1; it must be at least 4\.5:1/);
    expect(localizeProblems(problems, 'fr')[0].message).toMatch(/au moins 4,5:1/);
  });
});

describe('redirects after sign-in', () => {
  it('only allows same-site paths', () => {
    expect(safeRedirectPath('/staff')).toBe('/staff');
    expect(safeRedirectPath('//evil.example/x')).toBeUndefined();
    expect(safeRedirectPath('https://evil.example')).toBeUndefined();
    expect(safeRedirectPath('/\\evil')).toBeUndefined();
  });
});
