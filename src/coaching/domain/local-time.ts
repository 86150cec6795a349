import { DomainError } from '../../common/errors/domain-error.js';
import { isValidTimeZone, offsetMs, zonedWallTimeToInstant } from '../../common/time/zoned.js';

/** A wall-clock date and time in some zone: 'YYYY-MM-DD' and 'HH:mm'. */
export interface WallTime {
  date: string;
  time: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function assertTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new DomainError('INVALID_TIME_ZONE', { timeZone });
}

/** 'HH:mm', 00:00 to 23:59. */
export function isWallClockTime(value: string): boolean {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  return !!m && Number(m[1]) <= 23 && Number(m[2]) <= 59;
}

/** The wall-clock date and time an instant shows in a zone. */
export function wallTimeAt(instant: Date, timeZone: string): WallTime {
  const local = new Date(instant.getTime() + offsetMs(instant.getTime(), timeZone));
  return {
    date: `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
  };
}

/** Calendar arithmetic on a 'YYYY-MM-DD' date: days, not 24-hour periods. */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const shifted = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

/**
 * The instant of a wall-clock date and time in a zone. A time skipped by a spring change moves forward
 * by the gap; a repeated autumn time takes its first occurrence (see zonedWallTimeToInstant).
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const at = zonedWallTimeToInstant(`${wall.date}T${wall.time}`, timeZone);
  if (!at) throw new DomainError('INVALID_WALL_TIME', { ...wall, timeZone });
  return at;
}

/** The same wall-clock time `days` calendar days away, so a daylight-saving change does not shift it. */
export function shiftWallClockDays(instant: Date, days: number, timeZone: string): Date {
  const wall = wallTimeAt(instant, timeZone);
  const shifted = instantOf({ date: addCalendarDays(wall.date, days), time: wall.time }, timeZone);
  // Zone offsets are whole minutes: seconds carry over unchanged.
  const subMinute = ((instant.getTime() % 60_000) + 60_000) % 60_000;
  return new Date(shifted.getTime() + subMinute);
}
