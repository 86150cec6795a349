import { campaignFormToDto, formFieldOf, integerOrNull } from '../../../src/campaigns/campaign-form.js';

describe("the campaign editor's form", () => {
  it('turns euros into cents and drops empty rows, remembering the row of each kept one', () => {
    const { dto, problems, faqRows, rewardRows } = campaignFormToDto(
      {
        'title.fr': ' Vélo ',
        'title.en': 'Bike',
        'title.de': 'not offered: ignored',
        'summary.fr': 'Un atelier',
        'story.fr': '<p>Histoire</p>',
        'imageAlt.fr': '',
        goalEuros: '5 000,50 €',
        'faq.0.question.fr': '',
        'faq.0.answer.fr': '',
        'faq.1.question.fr': 'Où ?',
        'faq.1.question.en': 'Where?',
        'faq.1.answer.fr': 'Ici',
        'rewards.2.title.fr': 'Merci',
        'rewards.2.minAmount': '25,5',
        'rewards.2.quantity': '',
        'rewards.2.matchEligible': 'yes',
      },
      ['fr', 'en'],
    );
    expect(problems).toEqual([]);
    expect(dto).toMatchObject({
      title: { fr: ' Vélo ', en: 'Bike' },
      goalCents: 500_050,
      faq: [{ question: { fr: 'Où ?', en: 'Where?' }, answer: { fr: 'Ici' } }],
      rewards: [{ title: { fr: 'Merci' }, minAmountCents: 2550, quantity: null, estimatedDelivery: null, matchEligible: true }],
    });
    expect(dto.title).not.toHaveProperty('de');
    expect(faqRows).toEqual([1]);
    expect(rewardRows).toEqual([2]);
  });

  it('says which fields are not amounts or whole numbers', () => {
    const { problems, dto } = campaignFormToDto(
      { goalEuros: 'beaucoup', 'rewards.0.title.fr': 'T', 'rewards.0.minAmount': '1.234', 'rewards.0.quantity': '2,5' },
      ['fr'],
    );
    expect(problems.map((p) => p.field)).toEqual(['goalEuros', 'rewards.0.minAmount', 'rewards.0.quantity']);
    expect(dto.goalCents).toBeUndefined();
  });

  it("puts a DTO error on the form's field and row", () => {
    expect(formFieldOf('goalCents', [], [])).toBe('goalEuros');
    expect(formFieldOf('rewards.0.minAmountCents', [], [3])).toBe('rewards.3.minAmount');
    expect(formFieldOf('rewards.0', [], [3])).toBe('rewards.3.title');
    expect(formFieldOf('faq.1.answer', [0, 4], [])).toBe('faq.4.answer');
    expect(formFieldOf('faq.0', [2], [])).toBe('faq.2.question');
    expect(formFieldOf('title', [], [])).toBe('title');
  });

  it('reads whole numbers, empty as none', () => {
    expect(integerOrNull('')).toBeNull();
    expect(integerOrNull('12')).toBe(12);
    expect(integerOrNull('1.5')).toBeUndefined();
    expect(integerOrNull('-1')).toBeUndefined();
  });
});
