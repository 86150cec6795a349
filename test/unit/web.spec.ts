import { localizeProblems } from '../../src/common/errors/validation.js';
import { safeRedirectPath } from '../../src/auth/domain/tokens.js';
import { isSupportedTimeZone, offsetMs, supportedTimeZones, zonedWallTimeToInstant } from '../../src/common/time/zoned.js';
import { toLocalInput } from '../../src/common/web/view.service.js';
import { checkBrandColours, contrastRatio } from '../../src/tenants/domain/branding.js';
import { colourContrast, timeZoneGroups } from '../../src/tenants/branding.view.js';

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

  it('shows the contrast on white floored to one decimal, in the reader’s language', () => {
    expect(colourContrast('#114477', 'fr')).toEqual({ ratio: '9,9', ok: true, verdict: 'yes' });
    expect(colourContrast('#114477', 'en').ratio).toBe('9.9');
    expect(colourContrast('#ffdd00', 'fr')).toMatchObject({ ok: false, verdict: 'no' });
    expect(colourContrast('#000000', 'fr').ratio).toBe('21');
  });
});

describe('time zones offered to staff', () => {
  it('lists the runtime’s zones plus UTC and refuses anything else', () => {
    expect(supportedTimeZones()).toEqual(expect.arrayContaining(['Europe/Paris', 'America/Cayenne', 'UTC']));
    expect(isSupportedTimeZone('Europe/Brussels')).toBe(true);
    expect(isSupportedTimeZone('Mars/Olympus')).toBe(false);
    // An alias Intl knows but does not list is still a real zone.
    expect(isSupportedTimeZone('Asia/Kolkata')).toBe(true);
    expect(isSupportedTimeZone('Europe/Paris; DROP')).toBe(false);
    expect(isSupportedTimeZone('europe/paris')).toBe(false);
  });

  it('groups them by region with the current one selected, keeping a saved zone outside the list', () => {
    const groups = timeZoneGroups('Europe/Paris');
    const europe = groups.find((g) => g.region === 'Europe')!;
    expect(europe.zones.filter((z) => z.selected)).toEqual([{ value: 'Europe/Paris', selected: true }]);
    expect(groups.flatMap((g) => g.zones).filter((z) => z.selected)).toHaveLength(1);
    expect(timeZoneGroups('Legacy/Zone')[0]).toEqual({ region: 'Legacy/Zone', zones: [{ value: 'Legacy/Zone', selected: true }] });
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
