import { PasswordSignInDto } from '../../../src/auth/dto/auth.dto.js';
import { assertEvidenceFits } from '../../../src/coaching/domain/milestones.js';
import { DomainError } from '../../../src/common/errors/domain-error.js';
import { fieldLabel, localizeProblems } from '../../../src/common/errors/validation.js';
import { checkForm, errorMap, fieldErrorsIn } from '../../../src/common/web/forms.js';
import { CreateProgrammeDto } from '../../../src/programmes/dto/programme.dto.js';

function problems<T extends object>(cls: new () => T, body: unknown) {
  const form = checkForm(cls, body);
  if (form.ok) throw new Error('expected problems');
  return form.errors;
}

describe('validation messages', () => {
  it('carry the failed rule and its values, rendered in the reader’s language with the field’s label', () => {
    const list = problems(CreateProgrammeDto, { slug: 'ok-slug', title: { fr: 'Titre' }, summary: 'plain text' });
    expect(list).toEqual([expect.objectContaining({ field: 'summary', key: 'validation.localized' })]);
    expect(localizeProblems(list, 'fr')[0].message).toBe(
      `${fieldLabel('summary', 'fr')} : écrivez un texte par langue proposée, sans dépasser la longueur permise.`,
    );
    expect(localizeProblems(list, 'nl')[0].message).toBe(`${fieldLabel('summary', 'nl')}: schrijf één tekst per aangeboden taal, binnen de toegestane lengte.`);
  });

  it('say what a DTO’s own rule says (a slug’s format), from the catalogue', () => {
    const [slug] = problems(CreateProgrammeDto, { slug: 'Not A Slug', title: { fr: 'Titre', en: 'Title' } });
    expect(slug.key).toBe('validation.slugFormat');
    expect(localizeProblems([slug], 'fr')[0].message).toBe(
      'Adresse (identifiant) : doit compter de 2 à 81 lettres minuscules, chiffres ou tirets, et commencer par une lettre ou un chiffre.',
    );
  });

  it('name the field by its label, and by its path only when the catalogue has none', () => {
    expect(fieldLabel('email', 'fr')).toBe('Adresse e-mail');
    expect(fieldLabel('evidence.url', 'en')).toBe('Link');
    expect(fieldLabel('criteria.0.weight', 'fr')).toBe('Poids');
    expect(fieldLabel('somethingUnnamed', 'fr')).toBe('somethingUnnamed');
    const [email] = problems(PasswordSignInDto, { email: 'nope', password: 'x' });
    expect(localizeProblems([email], 'fr')[0].message).toBe('Adresse e-mail : doit être une adresse e-mail, comme nom@exemple.fr.');
  });

  it('a laureate’s link hand-in error reads French on a French page', () => {
    let err: DomainError | undefined;
    try {
      assertEvidenceFits('url', { kind: 'url', url: 'not a link' });
    } catch (e) {
      err = e as DomainError;
    }
    const [p] = localizeProblems(err!.fieldErrors, 'fr');
    expect(p).toMatchObject({ field: 'evidence.url', message: 'Lien : doit être une adresse web commençant par http:// ou https://.' });
  });

  it('pages render the lists and maps they were given in the page’s language', () => {
    const list = problems(PasswordSignInDto, { email: 'nope', password: '' });
    const data = fieldErrorsIn({ title: 'x', errors: errorMap(list), errorList: list }, 'fr');
    expect(data.errors).toEqual({ email: 'Adresse e-mail : doit être une adresse e-mail, comme nom@exemple.fr.', password: 'Mot de passe : est obligatoire.' });
    expect(data.errorList.map((e) => e.message)).toEqual(Object.values(data.errors));
    // A message a page wrote itself is kept.
    const reworded = fieldErrorsIn({ errorList: [{ ...list[0], message: 'Saisissez votre adresse.' }] }, 'en');
    expect(reworded.errorList[0].message).toBe('Saisissez votre adresse.');
  });
});
