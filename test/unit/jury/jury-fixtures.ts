import fc from 'fast-check';
import type { Conflict, Juror, Panel } from '../../../src/jury/domain/panel.js';

export const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);

/** A deterministic shuffle (mulberry32), so a failing case replays from fast-check's seed. */
export function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface PanelShape extends Panel {
  readonly applicationIds: string[];
  readonly jurors: Juror[];
  readonly conflicts: Conflict[];
}

/** A small call: up to `maxApps` applications, up to `maxJurors` jurors with varied weights, some conflicts. */
export const panelArb = (maxApps = 10, maxJurors = 7, conflicts = true): fc.Arbitrary<PanelShape> =>
  fc.record({ nApps: fc.integer({ min: 1, max: maxApps }), nJurors: fc.integer({ min: 1, max: maxJurors }) }).chain(({ nApps, nJurors }) => {
    const applicationIds = ids('a', nApps);
    const jurorIds = ids('j', nJurors);
    const pairs = jurorIds.flatMap((jurorId) => applicationIds.map((applicationId) => ({ jurorId, applicationId })));
    return fc.record({
      applicationIds: fc.constant(applicationIds),
      jurors: fc.tuple(...jurorIds.map((id) => fc.constantFrom(0.5, 1, 1, 2, 3).map((weight) => ({ id, weight })))),
      conflicts: conflicts ? fc.subarray(pairs, { maxLength: Math.ceil(pairs.length / 3) }) : fc.constant([]),
    });
  });

export const isConflicted = (panel: { conflicts?: readonly Conflict[] }, jurorId: string, applicationId: string): boolean =>
  (panel.conflicts ?? []).some((c) => c.jurorId === jurorId && c.applicationId === applicationId);
