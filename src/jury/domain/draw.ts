import { createHmac, randomBytes } from 'node:crypto';

/**
 * The last-resort tie-breaker: a documented, reproducible draw. When every declared tie-breaker leaves
 * two applications equal, each gets a ticket, HMAC-SHA-256 of its id keyed with the vote's seed, and
 * the smaller ticket (as hexadecimal text) goes first. The seed is drawn at random when the vote
 * closes and stored with the jury; with the seed and the ids, anyone can redo the draw, e.g.
 *
 *     printf '%s' "<application id>" | openssl dgst -sha256 -hmac "<seed>"
 *
 * The order owes nothing to how ids were generated, nor to the order applications came in.
 */
export function drawTicket(seed: string, applicationId: string): string {
  return createHmac('sha256', seed).update(applicationId, 'utf8').digest('hex');
}

/** A new seed: 128 random bits as 32 hexadecimal digits (short enough to read out, too many to guess). */
export function newDrawSeed(): string {
  return randomBytes(16).toString('hex');
}

/** The ids in the order the draw gives them. */
export function drawOrder(seed: string, applicationIds: readonly string[]): string[] {
  const tickets = new Map(applicationIds.map((id) => [id, drawTicket(seed, id)]));
  return [...new Set(applicationIds)].sort((a, b) => {
    const ta = tickets.get(a)!;
    const tb = tickets.get(b)!;
    return ta < tb ? -1 : ta > tb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}
