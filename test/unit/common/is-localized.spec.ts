import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { IsLocalized, localizedProblem } from '../../../src/common/i18n/is-localized.js';
import type { Localized } from '../../../src/common/i18n/localized.js';

class Dto {
  @IsLocalized({ required: true, maxLength: 10 }) title: Localized;
  @IsOptional() @IsLocalized({ maxLength: 20 }) summary?: Localized;
}

const problems = (body: unknown) =>
  validateSync(plainToInstance(Dto, body as object)).map((e) => ({ field: e.property, message: Object.values(e.constraints ?? {})[0] }));

describe('@IsLocalized', () => {
  it('accepts one text per installed language, some of them empty', () => {
    expect(problems({ title: { fr: 'Makers', en: '' } })).toEqual([]);
    expect(problems({ title: { en: 'Makers' }, summary: {} })).toEqual([]);
  });

  it('refuses a plain string, an array, an unknown language, a non-text value, a text too long, or nothing written', () => {
    for (const title of ['plain', ['fr'], { xx: 'Makers' }, { fr: 12 }, { fr: 'x'.repeat(11) }, { fr: '   ' }, {}, null, undefined]) {
      const found = problems({ title });
      expect(found.map((p) => p.field)).toEqual(['title']);
      expect(found[0].message).toMatch(/^title /);
    }
    expect(localizedProblem({ xx: 'a' })).toMatch(/"xx", which is not a language/);
    expect(localizedProblem({ fr: 'abc' }, { maxLength: 2 })).toMatch(/at most 2 characters in "fr"/);
  });

  it('lets an optional map be left out or empty', () => {
    expect(problems({ title: { fr: 'a' }, summary: undefined })).toEqual([]);
    expect(problems({ title: { fr: 'a' }, summary: 'x' }).map((p) => p.field)).toEqual(['summary']);
  });
});
