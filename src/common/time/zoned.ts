/**
 * Wall-clock time in a time zone to an instant, without a date library: find the offset the zone
 * has at that moment (checked twice to land on the right side of a daylight-saving change).
 * A wall time that does not exist (spring forward) moves forward by the gap; an ambiguous one
 * (fall back) takes the first occurrence.
 */
export function zonedWallTimeToInstant(local: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  // The offsets in force half a day before and after: a wall time maps back through one or both
  // (both: the repeated hour of autumn, take the first); through neither, it is in the spring gap,
  // and the offset from before the change moves it forward by the gap.
  const before = offsetMs(asUtc - 12 * 3_600_000, timeZone);
  const after = offsetMs(asUtc + 12 * 3_600_000, timeZone);
  const valid = [asUtc - before, asUtc - after].filter((c) => asUtc - offsetMs(c, timeZone) === c);
  return new Date(valid.length ? Math.min(...valid) : asUtc - before);
}

/** Building an Intl formatter costs tens of microseconds: one per time zone, reused. */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds. */
export function offsetMs(instant: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

let supported: readonly string[] | undefined;

/** The IANA time zones this runtime knows (`Intl.supportedValuesOf('timeZone')`, plus UTC), sorted: the choices offered to staff. */
export function supportedTimeZones(): readonly string[] {
  supported ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
  return supported;
}

/** A zone the list offers, or any other IANA name `Intl` knows ("Asia/Kolkata", which Node lists as "Asia/Calcutta"). */
export function isSupportedTimeZone(tz: string): boolean {
  if (supportedTimeZones().includes(tz)) return true;
  if (!/^[A-Z][A-Za-z_]*(\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(tz)) return false; // the IANA spelling, capitals included
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
