import { hasText, type Localized } from '../../common/i18n/localized.js';
import { DomainError, fieldProblem, type FieldProblem } from '../../common/errors/domain-error.js';
import { addCalendarDays, assertTimeZone, instantOf, isWallClockTime, wallTimeAt } from './local-time.js';

/**
 * When a milestone happens: a fixed instant, or a number of calendar days after the start of the
 * coaching phase at a wall-clock time of the authority's time zone (so one programme template serves
 * every laureate, whenever their coaching starts).
 */
export type MilestoneDate =
  | { kind: 'absolute'; at: Date }
  /** `time` 'HH:mm' local; without it, the local time the coaching started at. */
  | { kind: 'relative'; days: number; time?: string };

export type SessionLocation = { kind: 'place'; address: string } | { kind: 'video'; url: string };

/** What a laureate hands in for a deliverable. */
export type EvidenceKind = 'text' | 'url' | 'file';

interface MilestoneBase {
  id: string;
  /** Per language (staff write it once per language the authority offers). */
  title: Localized;
  /** Required milestones must be validated before the laureate's campaign may open. */
  required: boolean;
  date: MilestoneDate;
}

/** A meeting with a coach; `date` is when it starts. */
export interface SessionMilestone extends MilestoneBase {
  kind: 'session';
  location: SessionLocation;
  durationMinutes?: number;
}

/** Something to hand in; `date` is when it is due. */
export interface DeliverableMilestone extends MilestoneBase {
  kind: 'deliverable';
  evidence: EvidenceKind;
}

export type Milestone = SessionMilestone | DeliverableMilestone;
export type MilestoneKind = Milestone['kind'];

/** The definition with its instant resolved for one laureate's coaching. */
export type ScheduledMilestone = Milestone & { at: Date };

/** Problems with a milestone definition, by field (for the staff form). */
export function validateMilestone(m: Milestone, prefix = 'milestone'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!m.id) problems.push(fieldProblem(`${prefix}.id`, 'validation.required'));
  if (!hasText(m.title)) problems.push(fieldProblem(`${prefix}.title`, 'validation.required'));
  if (m.date.kind === 'absolute') {
    if (Number.isNaN(m.date.at.getTime())) problems.push(fieldProblem(`${prefix}.date.at`, 'validation.dateTime'));
  } else {
    if (!Number.isSafeInteger(m.date.days)) problems.push(fieldProblem(`${prefix}.date.days`, 'validation.wholeDays'));
    if (m.date.time !== undefined && !isWallClockTime(m.date.time)) problems.push(fieldProblem(`${prefix}.date.time`, 'validation.timeFormat'));
  }
  if (m.kind === 'session') {
    if (m.location.kind === 'place' && !m.location.address.trim()) problems.push(fieldProblem(`${prefix}.location.address`, 'validation.required'));
    if (m.location.kind === 'video' && !/^https:\/\/\S+$/.test(m.location.url)) problems.push(fieldProblem(`${prefix}.location.url`, 'validation.httpsLink'));
    if (m.durationMinutes !== undefined && !(Number.isSafeInteger(m.durationMinutes) && m.durationMinutes > 0)) {
      problems.push(fieldProblem(`${prefix}.durationMinutes`, 'validation.wholeMinutes'));
    }
  }
  return problems;
}

export function assertValidMilestones(milestones: readonly Milestone[]): void {
  const problems = milestones.flatMap((m, i) => validateMilestone(m, `milestones.${i}`));
  const seen = new Set<string>();
  milestones.forEach((m, i) => {
    if (seen.has(m.id)) problems.push(fieldProblem(`milestones.${i}.id`, 'validation.unique'));
    seen.add(m.id);
  });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
}

/**
 * The instant of a milestone for a coaching that started at `coachingStart`, in the authority's time
 * zone. Relative dates count calendar days and keep the local wall-clock time, so +14 days at 09:00
 * stays 09:00 on both sides of a daylight-saving change.
 */
export function milestoneInstant(date: MilestoneDate, coachingStart: Date, timeZone: string): Date {
  if (date.kind === 'absolute') return new Date(date.at.getTime());
  assertTimeZone(timeZone);
  if (!Number.isSafeInteger(date.days)) throw new DomainError('MILESTONE_INVALID_DATE', { days: date.days });
  if (date.time !== undefined && !isWallClockTime(date.time)) throw new DomainError('MILESTONE_INVALID_DATE', { time: date.time });
  const start = wallTimeAt(coachingStart, timeZone);
  return instantOf({ date: addCalendarDays(start.date, date.days), time: date.time ?? start.time }, timeZone);
}

/** Every milestone with its instant for one laureate, in chronological order (then by id). */
export function scheduleMilestones(milestones: readonly Milestone[], coachingStart: Date, timeZone: string): ScheduledMilestone[] {
  return milestones
    .map((m) => ({ ...m, at: milestoneInstant(m.date, coachingStart, timeZone) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What a laureate hands in, of the kind the deliverable expects. */
export type Evidence = { kind: 'text'; text: string } | { kind: 'url'; url: string } | { kind: 'file'; fileId: string };

export function assertEvidenceFits(expected: EvidenceKind, evidence: Evidence): void {
  if (evidence.kind !== expected) throw new DomainError('MILESTONE_EVIDENCE_KIND', { expected, given: evidence.kind });
  const empty =
    (evidence.kind === 'text' && !evidence.text.trim()) ||
    (evidence.kind === 'url' && !/^https?:\/\/\S+$/.test(evidence.url)) ||
    (evidence.kind === 'file' && !evidence.fileId);
  if (empty) {
    throw new DomainError('VALIDATION_FAILED', {}, [
      fieldProblem(`evidence.${evidence.kind === 'file' ? 'fileId' : evidence.kind}`, evidence.kind === 'url' ? 'validation.httpLink' : 'validation.required'),
    ]);
  }
}
