import { DomainError, type FieldProblem } from '../../common/errors/domain-error.js';

/** Query filters of the desk, checked like a body: unknown values are named, not ignored. */
export function checkFilter(f: Record<string, string | undefined>) {
  const problems: FieldProblem[] = [];
  if (f.status && !['submitted', 'withdrawn', 'draft'].includes(f.status))
    problems.push({ field: 'status', message: 'status must be submitted, withdrawn or draft' });
  if (f.screening && !['pending', 'eligible', 'ineligible'].includes(f.screening))
    problems.push({ field: 'screening', message: 'screening must be pending, eligible or ineligible' });
  if (f.eligibility && !['passes', 'fails'].includes(f.eligibility)) problems.push({ field: 'eligibility', message: 'eligibility must be passes or fails' });
  if (f.q && f.q.length > 200) problems.push({ field: 'q', message: 'q must be at most 200 characters' });
  const whole = (v: string | undefined, min: number, max: number) => v === undefined || v === '' || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max);
  if (!whole(f.limit, 1, 1000)) problems.push({ field: 'limit', message: 'limit must be a whole number from 1 to 1000' });
  if (!whole(f.offset, 0, 1_000_000)) problems.push({ field: 'offset', message: 'offset must be a whole number' });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  return {
    status: f.status || undefined,
    screening: f.screening || undefined,
    category: f.category || undefined,
    commune: f.commune || undefined,
    q: f.q || undefined,
    eligibility: (f.eligibility || undefined) as 'passes' | 'fails' | undefined,
    limit: f.limit ? Number(f.limit) : undefined,
    offset: f.offset ? Number(f.offset) : undefined,
  };
}
