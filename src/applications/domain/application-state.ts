import { DomainError } from '../../common/errors/domain-error.js';
import type { ApplicationErrorCode } from '../applications.errors.js';

export type ApplicationStatus = 'draft' | 'submitted' | 'withdrawn';
export type ScreeningDecision = 'pending' | 'eligible' | 'ineligible';

export interface ApplicationSnapshot {
  status: ApplicationStatus;
  screening: ScreeningDecision;
  /** When staff asked for a correction: the applicant may edit and submit again until then. */
  correctionUntil: Date | null;
}

export interface CallWindow {
  /** The programme is taking applications (phase call_open). */
  callOpen: boolean;
  deadline: Date;
  allowEditAfterSubmit: boolean;
  /** The deadline as the applicant reads it (their language, the authority's time zone), for messages. */
  deadlineLabel?: string;
}

const closedDetails = (call: CallWindow) => ({ deadline: call.deadline.toISOString(), deadlineLocal: call.deadlineLabel ?? call.deadline.toISOString() });

/** Whether an application may be edited now, and if not, why (as an error code). */
export function editBlocker(app: ApplicationSnapshot, call: CallWindow, now: Date): ApplicationErrorCode | undefined {
  if (app.status === 'withdrawn') return 'APPLICATION_WITHDRAWN';
  if (app.correctionUntil && now <= app.correctionUntil) return undefined;
  if (!call.callOpen || now > call.deadline) return 'CALL_CLOSED';
  if (app.status === 'submitted' && !call.allowEditAfterSubmit) return 'APPLICATION_ALREADY_SUBMITTED';
  return undefined;
}

export function assertCanEdit(app: ApplicationSnapshot, call: CallWindow, now: Date): void {
  const code = editBlocker(app, call, now);
  if (code) throw new DomainError(code, closedDetails(call));
}

/** Submitting twice is not an error (idempotent): the caller returns the existing receipt. */
export function assertCanSubmit(app: ApplicationSnapshot, call: CallWindow, now: Date): void {
  if (app.status === 'withdrawn') throw new DomainError('APPLICATION_WITHDRAWN');
  if (app.correctionUntil && now <= app.correctionUntil) return;
  if (!call.callOpen || now > call.deadline) throw new DomainError('CALL_CLOSED', closedDetails(call));
}

export function assertCanWithdraw(app: ApplicationSnapshot): void {
  if (app.status === 'withdrawn') throw new DomainError('APPLICATION_WITHDRAWN');
  if (app.screening !== 'pending') throw new DomainError('APPLICATION_ALREADY_SCREENED');
}

/** Staff decide once an application is submitted; a decision can be revised (it is audited). */
export function assertCanDecide(app: ApplicationSnapshot): void {
  if (app.status !== 'submitted') throw new DomainError('APPLICATION_NOT_SUBMITTED');
}

/** A receipt number people can read out on the phone: programme prefix and a sequence. */
export function receiptNumber(prefix: string, sequence: number): string {
  return `${
    prefix
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 6) || 'APP'
  }-${String(sequence).padStart(5, '0')}`;
}
