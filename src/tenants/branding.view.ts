import { formatNumber } from '../common/i18n/format.js';
import type { Locale } from '../common/i18n/localized.js';
import { supportedTimeZones } from '../common/time/zoned.js';
import { contrastRatio } from './domain/branding.js';
import type { Tenant } from './tenant.entity.js';

export interface ColourContrast {
  /** The ratio against white, formatted for the reader ("7,1"). */
  ratio: string;
  /** Whether it reaches the 4.5:1 the server requires. */
  ok: boolean;
  /** `ok` for the message's select: "yes" or "no". */
  verdict: 'yes' | 'no';
}

export interface TimeZoneGroup {
  region: string;
  zones: { value: string; selected: boolean }[];
}

/** The contrast of a saved colour "#rrggbb" against white, for the text beside its input. */
export function colourContrast(hex: string, locale: Locale): ColourContrast {
  const ratio = contrastRatio(hex, '#ffffff');
  const ok = ratio >= 4.5;
  return { ratio: formatNumber(Math.floor(ratio * 10) / 10, locale, 1), ok, verdict: ok ? 'yes' : 'no' };
}

/**
 * The offered time zones grouped by region ("Europe", "America"…), `selected` marking `current`; a
 * current zone outside the list (saved before the list was enforced) is kept as a first group of its own.
 */
export function timeZoneGroups(current: unknown): TimeZoneGroup[] {
  const groups = new Map<string, TimeZoneGroup['zones']>();
  const zones = supportedTimeZones();
  if (typeof current === 'string' && current && !zones.includes(current)) groups.set(current, [{ value: current, selected: true }]);
  for (const zone of zones) {
    const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : zone;
    if (!groups.has(region)) groups.set(region, []);
    groups.get(region)!.push({ value: zone, selected: zone === current });
  }
  return [...groups].map(([region, list]) => ({ region, zones: list }));
}

/** What the branding page adds to its values: the saved colours' contrast and the time-zone choices. */
export function brandingView(tenant: Pick<Tenant, 'primaryColor' | 'accentColor'>, locale: Locale, timeZone: unknown) {
  return {
    contrast: { primaryColor: colourContrast(tenant.primaryColor, locale), accentColor: colourContrast(tenant.accentColor, locale) },
    timeZoneGroups: timeZoneGroups(timeZone),
  };
}
