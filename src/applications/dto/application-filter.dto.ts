import { DomainError, type FieldProblem } from '../../common/errors/domain-error.js';
import { fieldProblem } from '../../common/errors/validation.js';

/** Query filters of the desk, checked like a body: unknown values are named, not ignored. */
export function checkFilter(f: Record<string, string | undefined>) {
  const problems: FieldProblem[] = [];
  if (f.status && !['submitted', 'withdrawn', 'draft'].includes(f.status))
    problems.push(fieldProblem('status', 'validation.isIn', { values: 'submitted, withdrawn, draft' }));
  if (f.screening && !['pending', 'eligible', 'ineligible'].includes(f.screening))
    problems.push(fieldProblem('screening', 'validation.isIn', { values: 'pending, eligible, ineligible' }));
  if (f.eligibility && !['passes', 'fails'].includes(f.eligibility)) problems.push(fieldProblem('eligibility', 'validation.isIn', { values: 'passes, fails' }));
  if (f.q && f.q.length > 200) problems.push(fieldProblem('q', 'validation.maxLength', { max: 200 }));
  const whole = (v: string | undefined, min: number, max: number) => v === undefined || v === '' || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max);
  if (!whole(f.limit, 1, 1000)) problems.push(fieldProblem('limit', 'validation.wholeBetween', { min: 1, max: 1000 }));
  if (!whole(f.offset, 0, 1_000_000)) problems.push(fieldProblem('offset', 'validation.isInt'));
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
