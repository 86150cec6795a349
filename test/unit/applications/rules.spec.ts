import fc from 'fast-check';
import { advisoryFailures, blockingFailures, evaluateEligibility, type EligibilityRules } from '../../../src/applications/domain/eligibility.js';
import type { AnswerValue, Question } from '../../../src/applications/domain/form.js';
import {
  checkQuestionRules,
  evaluateRule,
  factsOf,
  negate,
  operatorValueKind,
  questionsInRules,
  RULE_OPERATORS,
  satisfies,
  type QuestionRule,
  type RuleOperator,
} from '../../../src/applications/domain/rules.js';

const rule = (operator: RuleOperator, value?: QuestionRule['value'], extra: Partial<QuestionRule> = {}): QuestionRule => ({
  id: 'r1',
  field: 'answers.x',
  operator,
  value,
  message: { fr: 'Non', en: 'No' },
  mode: 'blocking',
  ...extra,
});
const on = (v: AnswerValue) => factsOf(null, { x: v });

describe('rule operators', () => {
  it('equals and not equals compare texts without case or accents, numbers as numbers, yes/no as words', () => {
    expect(satisfies('equals', 'Association', 'association ')).toBe(true);
    expect(satisfies('equals', 'ecole', 'École')).toBe(true);
    expect(satisfies('equals', '2', 2)).toBe(true);
    expect(satisfies('equals', '2,5', '2.5')).toBe(true);
    expect(satisfies('equals', 'yes', true)).toBe(true);
    expect(satisfies('equals', 'yes', false)).toBe(false);
    expect(satisfies('equals', 'a', ['b', 'a'])).toBe(true);
    expect(satisfies('equals', 'a', null)).toBe(false);
    expect(satisfies('not_equals', 'a', 'b')).toBe(true);
    expect(satisfies('not_equals', 'a', 'A')).toBe(false);
    expect(satisfies('not_equals', 'a', null)).toBe(true);
  });

  it('one of and none of', () => {
    expect(satisfies('one_of', ['sas', 'association'], 'association')).toBe(true);
    expect(satisfies('one_of', ['sas', 'association'], 'sarl')).toBe(false);
    expect(satisfies('one_of', ['sas'], ['sarl', 'sas'])).toBe(true);
    expect(satisfies('one_of', ['sas'], null)).toBe(false);
    expect(satisfies('none_of', ['sas'], 'sarl')).toBe(true);
    expect(satisfies('none_of', ['sas'], 'sas')).toBe(false);
  });

  it('at least, less than, at most, more than on numbers and on the count of choices', () => {
    expect(satisfies('at_least', 2, 2)).toBe(true);
    expect(satisfies('at_least', 2, '3')).toBe(true);
    expect(satisfies('at_least', 2, 1)).toBe(false);
    expect(satisfies('at_least', 2, ['a', 'b'])).toBe(true);
    expect(satisfies('less_than', 2, 1)).toBe(true);
    expect(satisfies('less_than', 2, 2)).toBe(false);
    expect(satisfies('at_most', 5, 5)).toBe(true);
    expect(satisfies('at_most', 5, 6)).toBe(false);
    expect(satisfies('more_than', 5, 6)).toBe(true);
    expect(satisfies('more_than', 5, 5)).toBe(false);
    for (const op of ['at_least', 'less_than', 'at_most', 'more_than'] as const) {
      expect(satisfies(op, 2, null)).toBe(false);
      expect(satisfies(op, 2, 'beaucoup')).toBe(false);
    }
  });

  it('is filled and is empty', () => {
    for (const empty of [null, '', '  ', []] as AnswerValue[]) {
      expect(satisfies('is_filled', undefined, empty)).toBe(false);
      expect(satisfies('is_empty', undefined, empty)).toBe(true);
    }
    for (const filled of ['x', 0, false, ['a']] as AnswerValue[]) expect(satisfies('is_filled', undefined, filled)).toBe(true);
  });

  it('a condition makes a rule apply only when the other field has the value', () => {
    const siret = rule('is_filled', undefined, { field: 'answers.siret', when: { field: 'category', equals: 'business' } });
    expect(evaluateRule(siret, factsOf('culture', {}))).toBe('not_applicable');
    expect(evaluateRule(siret, factsOf('business', {}))).toBe('fail');
    expect(evaluateRule(siret, factsOf('business', { siret: '12345678900011' }))).toBe('pass');
  });
});

const answers = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -50, max: 50 }),
  fc.boolean(),
  fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }),
);
const ruleOf = fc.constantFrom(...RULE_OPERATORS).chain((op) => {
  const kind = operatorValueKind(op);
  const value: fc.Arbitrary<QuestionRule['value']> =
    kind === 'none'
      ? fc.constant(undefined)
      : kind === 'number'
        ? fc.integer({ min: -50, max: 50 })
        : kind === 'many'
          ? fc.array(fc.oneof(fc.constantFrom('a', 'b', 'yes', 'no', '3'), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 3 })
          : fc.oneof(fc.constantFrom('a', 'b', 'yes', 'no', '3'), fc.string({ minLength: 1, maxLength: 4 }));
  return value.map((v) => rule(op, v));
});

describe('rule engine properties', () => {
  it('a rule and its negation never both pass', () => {
    fc.assert(fc.property(ruleOf, answers, (r, a) => !(evaluateRule(r, on(a)) === 'pass' && evaluateRule(negate(r), on(a)) === 'pass')));
  });

  it('outside numbers, exactly one of a rule and its negation passes on a filled answer', () => {
    fc.assert(
      fc.property(ruleOf, answers, (r, a) => {
        fc.pre(operatorValueKind(r.operator) !== 'number');
        fc.pre(operatorValueKind(r.operator) === 'none' || evaluateRule({ ...r, operator: 'is_filled' }, on(a)) === 'pass');
        return (evaluateRule(r, on(a)) === 'pass') !== (evaluateRule(negate(r), on(a)) === 'pass');
      }),
    );
  });

  it('leaves an empty answer to "is filled" / "is empty": every comparing rule is not applicable to it', () => {
    fc.assert(
      fc.property(ruleOf, fc.constantFrom(undefined, '', [] as string[], '  '), (r, empty) => {
        fc.pre(operatorValueKind(r.operator) !== 'none' && !r.when);
        return evaluateRule(r, on(empty as AnswerValue)) === 'not_applicable';
      }),
    );
  });

  it('negating twice gives the rule back', () => {
    fc.assert(fc.property(ruleOf, (r) => expect(negate(negate(r))).toEqual(r)));
  });

  it('"one of" with the answer’s own value passes', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== ''),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
        (v, others) => satisfies('one_of', [...others, v], v),
      ),
    );
  });

  it('an empty answer fails "is filled" and passes "is empty"', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AnswerValue>(null, '', [], ' '),
        (a) => evaluateRule(rule('is_filled'), on(a)) === 'fail' && evaluateRule(rule('is_empty'), on(a)) === 'pass',
      ),
    );
  });

  it('a rule whose condition does not hold never counts, whatever the answer', () => {
    fc.assert(
      fc.property(ruleOf, answers, (r, a) => evaluateRule({ ...r, when: { field: 'category', equals: 'z' } }, factsOf('y', { x: a })) === 'not_applicable'),
    );
  });
});

const FORM: Question[] = [
  { key: 'team', kind: 'number', label: { fr: 'Équipe' }, required: false },
  { key: 'legal', kind: 'single_choice', label: { fr: 'Forme' }, required: false, options: [{ key: 'asso', label: { fr: 'Association' } }] },
  { key: 'siret', kind: 'short_text', label: { fr: 'SIRET' }, required: false },
  { key: 'proof', kind: 'file', label: { fr: 'Pièce' }, required: false },
];

describe('checking rules against the form', () => {
  it('accepts well-formed rules', () => {
    const ok: QuestionRule[] = [
      rule('at_least', 2, { id: 'a', field: 'answers.team' }),
      rule('one_of', ['asso'], { id: 'b', field: 'answers.legal' }),
      rule('is_filled', undefined, { id: 'c', field: 'answers.siret', when: { field: 'category', equals: 'business' } }),
    ];
    expect(checkQuestionRules(ok, FORM, [{ key: 'business' }], 'fr')).toEqual([]);
    expect([...questionsInRules(ok)].sort()).toEqual(['legal', 'siret', 'team']);
  });

  it('names each bad part', () => {
    const bad: QuestionRule[] = [
      rule('at_least', 'two' as unknown as number, { id: 'a', field: 'answers.team' }),
      rule('one_of', ['sarl'], { id: 'b', field: 'answers.legal' }),
      rule('is_filled', undefined, { id: 'c', field: 'answers.proof' }),
      rule('is_filled', undefined, { id: 'd', field: 'answers.siret', when: { field: 'category', equals: 'nope' }, message: { en: 'x' } }),
      rule('equals', '', { id: 'd', field: 'answers.gone' }),
    ];
    expect(checkQuestionRules(bad, FORM, [{ key: 'business' }], 'fr').map((p) => p.field)).toEqual([
      'rules.0.value',
      'rules.1.value',
      'rules.2.field',
      'rules.3.whenValue',
      'rules.3.message',
      'rules.4.id',
      'rules.4.field',
      'rules.4.value',
    ]);
  });
});

describe('eligibility with modes and question rules', () => {
  const RULES: EligibilityRules = {
    territory: [{ name: 'Lille', postcode: '59000' }],
    goalMinCents: 100_000,
    goalMaxCents: 1_000_000,
    categories: [],
    onePerApplicant: false,
    modes: { territory: 'advisory' },
    questionRules: [
      rule('at_least', 2, { id: 'team', field: 'answers.team', mode: 'advisory' }),
      rule('is_filled', undefined, { id: 'siret', field: 'answers.siret' }),
    ],
  };
  const facts = { category: null, goalCents: 500_000, commune: 'Paris', postcode: '75001', consent: true, otherApplications: 0, answers: { team: 1 } };

  it('sorts failures into blocking and advisory ones', () => {
    const results = evaluateEligibility(RULES, facts);
    expect(advisoryFailures(results).map((r) => r.ruleId ?? r.rule)).toEqual(['territory', 'team']);
    expect(blockingFailures(results).map((r) => r.ruleId ?? r.rule)).toEqual(['siret']);
    expect(blockingFailures(results)[0]).toMatchObject({ field: 'answers.siret', text: { fr: 'Non', en: 'No' } });
  });

  it('keeps consent blocking whatever the modes', () => {
    const results = evaluateEligibility({ ...RULES, modes: { territory: 'advisory', goal: 'advisory' } }, { ...facts, consent: false });
    expect(results.find((r) => r.rule === 'consent')?.mode).toBe('blocking');
  });
});
