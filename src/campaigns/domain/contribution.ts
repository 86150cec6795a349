import { fieldProblem } from '../../common/errors/domain-error.js';
import { createHash } from 'node:crypto';
import type { FieldProblem } from '../../common/errors/domain-error.js';

export const MIN_CONTRIBUTION_CENTS = 100;

/** Who a contributor is, for counting distinct contributors and match limits. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export interface ContributionRequest {
  amountCents: number;
  rewardTierId: string | null;
  email: string;
  displayName: string | null;
  anonymous: boolean;
  message: string;
}

/**
 * A fingerprint of what was asked: a retry with the same idempotency key must ask the same thing,
 * otherwise it is a client bug that we refuse rather than silently answer with another contribution.
 */
export function requestFingerprint(campaignId: string, r: ContributionRequest): string {
  const canonical = JSON.stringify([campaignId, r.amountCents, r.rewardTierId, emailKey(r.email), r.displayName ?? '', r.anonymous, r.message]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The amount against the programme's minimum and the chosen reward's minimum. */
export function amountProblems(amountCents: number, rewardMinimumCents: number | null): FieldProblem[] {
  if (!Number.isInteger(amountCents) || amountCents < MIN_CONTRIBUTION_CENTS) {
    return [fieldProblem('amountCents', 'validation.atLeastEuros', { min: 1 })];
  }
  if (rewardMinimumCents !== null && amountCents < rewardMinimumCents) {
    return [fieldProblem('amountCents', 'validation.atLeastEurosReward', { min: rewardMinimumCents / 100 })];
  }
  return [];
}
