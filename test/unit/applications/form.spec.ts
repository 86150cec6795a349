import type { FieldProblem } from '../../../src/common/errors/domain-error.js';
import { localizeProblems } from '../../../src/common/errors/validation.js';
import fc from 'fast-check';
import { checkFormChange, checkFormDefinition, coerceFormValue, validateAnswers, type Question } from '../../../src/applications/domain/form.js';

const q = (over: Partial<Question> & Pick<Question, 'key' | 'kind'>): Question => ({ label: { fr: 'x', en: 'x' }, required: false, ...over });

const FORM: Question[] = [
  q({ key: 'pitch', kind: 'short_text', required: true, maxLength: 10 }),
  q({ key: 'story', kind: 'long_text' }),
  q({ key: 'team', kind: 'number', min: 1, max: 50, required: true }),
  q({
    key: 'kind',
    kind: 'single_choice',
    options: [
      { key: 'a', label: { fr: 'A', en: 'A' } },
      { key: 'b', label: { fr: 'B', en: 'B' } },
    ],
  }),
  q({
    key: 'tags',
    kind: 'multiple_choice',
    options: [
      { key: 'x', label: { fr: 'X', en: 'X' } },
      { key: 'y', label: { fr: 'Y', en: 'Y' } },
    ],
  }),
  q({ key: 'ready', kind: 'yes_no', required: true }),
  q({ key: 'site', kind: 'url' }),
  q({ key: 'deck', kind: 'file' }),
];

describe('application form', () => {
  it('keeps partial drafts: only given answers are checked', () => {
    expect(validateAnswers(FORM, { pitch: 'short' }, 'draft')).toEqual([]);
    expect(validateAnswers(FORM, {}, 'submit').map((p) => p.field)).toEqual(['answers.pitch', 'answers.team', 'answers.ready']);
  });

  it('names each bad answer', () => {
    const problems = validateAnswers(
      FORM,
      {
        pitch: 'far too long for ten',
        team: 0,
        kind: 'c',
        tags: ['x', 'x'],
        ready: 'maybe' as never,
        site: 'javascript:alert(1)',
        deck: 'not-an-id',
        extra: 1,
      },
      'draft',
    );
    expect(problems.map((p) => p.field).sort()).toEqual([
      'answers.deck',
      'answers.extra',
      'answers.kind',
      'answers.pitch',
      'answers.ready',
      'answers.site',
      'answers.tags',
      'answers.team',
    ]);
    expect(problems.find((p) => p.field === 'answers.pitch')!.message).toBe('must be at most 10 characters (now 20)');
  });

  it('reads HTML form values', () => {
    expect(coerceFormValue(FORM[2], '12,5')).toBe(12.5);
    expect(coerceFormValue(FORM[5], 'no')).toBe(false);
    expect(coerceFormValue(FORM[4], 'x')).toEqual(['x']);
    expect(coerceFormValue(FORM[4], undefined)).toEqual([]);
  });

  it('checks the form definition itself', () => {
    expect(checkFormDefinition(FORM)).toEqual([]);
    const say = (p: FieldProblem[], lang = 'en') => localizeProblems(p, lang)[0].message;
    expect(say(checkFormDefinition([q({ key: 'a', kind: 'short_text' }), q({ key: 'a', kind: 'url' })]))).toBe('Key: the key “a” is used twice.');
    expect(say(checkFormDefinition([q({ key: 'prototype', kind: 'yes_no' })]), 'fr')).toBe(
      'Clé : « prototype » est un mot réservé ; choisissez une autre clé.',
    );
    expect(say(checkFormChange([q({ key: 'a', kind: 'short_text' })], []), 'fr')).toBe(
      'Formulaire : une question ne peut pas être retirée une fois l’appel ouvert.',
    );
    expect(checkFormDefinition([q({ key: 'c', kind: 'single_choice' })])[0].field).toBe('form.0.options');
  });

  it('allows only changes that keep submitted answers valid once the call is open', () => {
    expect(checkFormChange(FORM, [...FORM, q({ key: 'new', kind: 'url' })])).toEqual([]);
    expect(
      checkFormChange(
        FORM,
        FORM.map((x) => (x.key === 'pitch' ? { ...x, maxLength: 20, label: { fr: 'Accroche' } } : x)),
      ),
    ).toEqual([]);
    const broken = checkFormChange(FORM, [
      ...FORM.filter((x) => x.key !== 'site').map((x) => (x.key === 'team' ? { ...x, max: 10 } : x.key === 'story' ? { ...x, required: true } : x)),
      q({ key: 'must', kind: 'url', required: true }),
    ]);
    expect(broken.map((p) => p.field).sort()).toEqual(['form.must', 'form.site', 'form.story', 'form.team']);
  });

  it('property: answers valid under a form stay valid under any change the form-change rule accepts', () => {
    const arbQuestion = fc.record({
      maxLength: fc.integer({ min: 1, max: 50 }),
      min: fc.integer({ min: 0, max: 10 }),
      span: fc.integer({ min: 0, max: 10 }),
      relaxLen: fc.integer({ min: 0, max: 20 }),
      relaxMin: fc.integer({ min: 0, max: 5 }),
      relaxMax: fc.integer({ min: 0, max: 5 }),
      text: fc.string({ maxLength: 60 }),
      n: fc.integer({ min: -5, max: 30 }),
    });
    fc.assert(
      fc.property(arbQuestion, (g) => {
        const before: Question[] = [
          q({ key: 't', kind: 'short_text', maxLength: g.maxLength }),
          q({ key: 'n', kind: 'number', min: g.min, max: g.min + g.span }),
        ];
        const after: Question[] = [
          q({ key: 't', kind: 'short_text', maxLength: g.maxLength + g.relaxLen }),
          q({ key: 'n', kind: 'number', min: g.min - g.relaxMin, max: g.min + g.span + g.relaxMax }),
        ];
        expect(checkFormChange(before, after)).toEqual([]);
        const answers = { t: g.text, n: g.n };
        if (validateAnswers(before, answers, 'submit').length === 0) expect(validateAnswers(after, answers, 'submit')).toEqual([]);
      }),
    );
  });
});
