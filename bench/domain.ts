import { aggregateBorda } from '../src/jury/domain/methods/borda-ranking.js';
import { aggregateFavourites } from '../src/jury/domain/methods/favourites.js';
import { aggregatePairwise } from '../src/jury/domain/methods/pairwise.js';
import { aggregateScoredCriteria } from '../src/jury/domain/methods/scored-criteria.js';
import { selectLaureates, candidatesFrom } from '../src/jury/domain/index.js';
import { computeMatching } from '../src/partners/domain/matching.js';

/** A small deterministic PRNG so every run measures the same inputs. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(runs: number, fn: () => unknown): { medianMs: number; minMs: number } {
  fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return { medianMs: Math.round(median(ms) * 10) / 10, minMs: Math.round(Math.min(...ms) * 10) / 10 };
}

export function domainBenchmarks() {
  const rnd = prng(42);
  const apps = Array.from({ length: 2000 }, (_, i) => `a${String(i).padStart(4, '0')}`);
  const jurors = Array.from({ length: 60 }, (_, i) => ({ id: `j${String(i).padStart(2, '0')}`, weight: 1 }));
  const criteria = ['impact', 'feasibility', 'circularity', 'team'].map((id, i) => ({ id, weight: i + 1, min: 0, max: 5 }));
  const ballots = jurors.flatMap((j) =>
    apps.map((a) => ({
      jurorId: j.id,
      applicationId: a,
      scores: Object.fromEntries(criteria.map((c) => [c.id, Math.floor(rnd() * 6)])),
    })),
  );
  const scored = time(5, () => aggregateScoredCriteria({ applicationIds: apps, jurors, criteria, ballots, normalisation: 'z_score', quorum: 3 }));
  const scoredResult = aggregateScoredCriteria({ applicationIds: apps, jurors, criteria, ballots, normalisation: 'z_score', quorum: 3 });
  const selection = time(5, () => selectLaureates(candidatesFrom(scoredResult), { laureates: 10, waitingList: 5 }));

  const picks = jurors.map((j) => ({ jurorId: j.id, applicationIds: Array.from(new Set(Array.from({ length: 10 }, () => apps[Math.floor(rnd() * 40)]))) }));
  const favourites = time(20, () =>
    aggregateFavourites({ applicationIds: apps.slice(0, 40), jurors: jurors.slice(0, 10), ballots: picks.slice(0, 10), maxFavourites: 10 }),
  );

  // Borda: each of the 60 jurors ranks 200 of the 2,000 applications (a share of the pile, as in life).
  const rankings = jurors.map((j, k) => ({ jurorId: j.id, ranking: Array.from({ length: 200 }, (_, i) => apps[(k * 37 + i * 11) % apps.length]) }));
  const borda = time(5, () => aggregateBorda({ applicationIds: apps, jurors, ballots: rankings }));
  // Bradley–Terry (with juror reliabilities): 120,000 comparisons of pairs among 2,000 by 60 jurors.
  const comparisons: Array<{ jurorId: string; winnerId: string; loserId: string }> = [];
  const asked = new Set<string>(); // a juror compares a pair once
  while (comparisons.length < 120_000) {
    const a = Math.floor(rnd() * apps.length);
    let b = Math.floor(rnd() * (apps.length - 1));
    if (b >= a) b += 1;
    const juror = jurors[comparisons.length % jurors.length].id;
    const pair = `${juror}:${Math.min(a, b)}:${Math.max(a, b)}`;
    if (asked.has(pair)) continue;
    asked.add(pair);
    // A hidden order (lower index stronger) most jurors follow, with noise.
    const aWins = rnd() < (a < b ? 0.75 : 0.25);
    comparisons.push({ jurorId: juror, winnerId: apps[aWins ? a : b], loserId: apps[aWins ? b : a] });
  }
  const pairwise = time(3, () => aggregatePairwise({ applicationIds: apps, jurors, comparisons }));

  const tags = ['wood', 'textile', 'electronics', 'marketing', 'finance', 'legal', 'design', 'logistics', 'retail', 'research'];
  const pick = (n: number) => Array.from(new Set(Array.from({ length: n }, () => tags[Math.floor(rnd() * tags.length)])));
  const laureates = Array.from({ length: 500 }, (_, i) => ({ id: `l${String(i).padStart(3, '0')}`, needs: pick(3), theme: tags[i % 5] }));
  const partners = Array.from({ length: 100 }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    expertise: pick(4),
    themes: [tags[i % 5]],
    capacity: 5 + (i % 6),
  }));
  const matching = time(5, () => computeMatching({ laureates, partners }));

  return {
    'jury scored criteria, 2,000 applications × 60 jurors × 4 criteria (z-scores)': { ballots: ballots.length, ...scored },
    'jury selection of 10 laureates + 5 waiting among 2,000': selection,
    'jury favourites, 40 applications × 10 jurors × 10 picks': favourites,
    'jury Borda count, 2,000 applications × 60 jurors × 200 ranked each': borda,
    'jury pairwise (Bradley–Terry, juror reliability), 2,000 applications × 60 jurors, 120,000 comparisons': pairwise,
    'partner matching, 500 laureates × 100 partners (min-cost flow)': matching,
  };
}
