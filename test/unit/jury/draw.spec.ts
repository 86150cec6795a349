import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { renderMessage, renderMessageHtml, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { drawOrder, drawTicket, newDrawSeed } from '../../../src/jury/domain/draw.js';
import { rankCandidates, selectLaureates, type Candidate } from '../../../src/jury/domain/selection.js';
import { shuffle } from './jury-fixtures.js';

const say = (m: Message, lang: string) => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);
const c = (applicationId: string, score: number, more: Partial<Candidate> = {}): Candidate => ({ applicationId, score, keys: {}, groups: {}, ...more });

describe('the last-resort draw', () => {
  it('is HMAC-SHA-256 of the id keyed with the seed, as `openssl dgst -sha256 -hmac <seed>` computes it', () => {
    // Computed with: printf '%s' 0f8fad5b-d9cb-469f-a165-70867728950e | openssl dgst -sha256 -hmac 5eed5eed5eed5eed5eed5eed5eed5eed
    expect(drawTicket('5eed5eed5eed5eed5eed5eed5eed5eed', '0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(
      'f6008d8627273931c319a6d63e63e14fe26d80fb3f207a2b8115a446f48c1aee',
    );
    expect(drawOrder('5eed5eed5eed5eed5eed5eed5eed5eed', ['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7'])).toEqual([
      '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    ]);
    expect(newDrawSeed()).toMatch(/^[0-9a-f]{32}$/);
    expect(newDrawSeed()).not.toBe(newDrawSeed());
  });

  it('property: from the seed alone the order of a tie is reproducible, whatever the input order, and it is the tickets’ order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 32 }),
        fc.integer(),
        (ids, seed, shuffleSeed) => {
          const candidates = ids.map((id) => c(id, 7, { keys: { jurorCount: 3 } }));
          const tieBreakers = [{ key: 'jurorCount', prefer: 'higher' as const }];
          const ranked = rankCandidates(candidates, tieBreakers, seed).map((r) => r.applicationId);
          expect(rankCandidates(shuffle(candidates, shuffleSeed), tieBreakers, seed).map((r) => r.applicationId)).toEqual(ranked);
          // Anyone can redo it with the seed and the ids: sort by HMAC-SHA-256(seed, id).
          const redone = [...ids].sort((a, b) => {
            const [ta, tb] = [a, b].map((id) => createHmac('sha256', seed).update(id).digest('hex'));
            return ta < tb ? -1 : ta > tb ? 1 : 0;
          });
          expect(ranked).toEqual(redone);
          const result = selectLaureates(shuffle(candidates, shuffleSeed), { laureates: 1, tieBreakers, drawSeed: seed });
          expect(result.laureates).toEqual([redone[0]]);
          expect(result.draw).toEqual({ seed, ties: [{ score: 7, applicationIds: redone, tickets: redone.map((id) => drawTicket(seed, id)) }] });
        },
      ),
    );
  });

  it('does not follow the ids: over many seeds, the smallest id is not always first', () => {
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    const firsts = new Set(Array.from({ length: 30 }, (_, i) => drawOrder(`seed-${i}`, ids)[0]));
    expect(firsts.size).toBe(3);
  });

  it('leaves a tie the declared tie-breakers settle to them: no draw, the selection is unchanged', () => {
    const field = [c('a1', 5, { keys: { jurorCount: 3 } }), c('a2', 5, { keys: { jurorCount: 4 } }), c('a3', 9, { keys: { jurorCount: 1 } })];
    const rules = { laureates: 2, tieBreakers: [{ key: 'jurorCount', prefer: 'higher' as const }] };
    const a = selectLaureates(field, { ...rules, drawSeed: 'one' });
    const b = selectLaureates(field, { ...rules, drawSeed: 'two' });
    expect(a.laureates).toEqual(['a3', 'a2']);
    expect(b.laureates).toEqual(a.laureates);
    expect(a.draw.ties).toEqual([]);
  });

  it('explains a tie by naming the applications by their title, and the draw with its seed, in French and in English', () => {
    const seed = '5eed5eed5eed5eed5eed5eed5eed5eed';
    const [first, second] = drawOrder(seed, ['app-1', 'app-2']);
    const title = (id: string) => (id === 'app-1' ? 'Atelier vélo' : 'Repair café');
    const result = selectLaureates(
      [c('app-1', 5, { name: title('app-1') }), c('app-2', 5, { name: title('app-2') }), c('app-3', 9, { name: 'Ressourcerie' })],
      {
        laureates: 2,
        drawSeed: seed,
      },
    );
    expect(result.laureates).toEqual(['app-3', first]);
    const entry = result.entries.find((e) => e.applicationId === first)!;
    const fr = say(entry.explanation, 'fr');
    const en = say(entry.explanation, 'en');
    expect(fr).toContain(`Ex aequo avec « ${title(second)} »`);
    expect(fr).toContain(`« ${title(first)} » devant « ${title(second)} » par tirage au sort`);
    expect(fr).toContain(`graine ${seed}`);
    expect(en).toContain(`Tied on score with “${title(second)}”`);
    expect(en).toContain(`“${title(first)}” ahead of “${title(second)}” by a draw`);
    expect(en).toContain(`seed ${seed}`);
    for (const text of [fr, en]) expect(text).not.toMatch(/app-[12]/);
    expect(say(result.boundaryTies[0].explanation, 'fr')).toContain('tirage au sort');
  });

  it('marks a title written in another language than the page in the HTML explanation, and escapes everything else', () => {
    const seed = '5eed5eed5eed5eed5eed5eed5eed5eed';
    const [first, second] = drawOrder(seed, ['app-1', 'app-2']);
    const title = (id: string) => (id === 'app-1' ? 'Vélos & <cargo>' : 'Cantine zéro déchet');
    const result = selectLaureates(
      [c('app-1', 5, { name: { text: title('app-1'), lang: 'fr' } }), c('app-2', 5, { name: { text: title('app-2'), lang: 'fr' } })],
      {
        laureates: 1,
        drawSeed: seed,
      },
    );
    const entry = result.entries.find((e) => e.applicationId === first)!;
    const html = (lang: string) => renderMessageHtml((l, k, v) => sharedTranslations().t(l, k, v), lang, entry.explanation);
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const en = html('en');
    expect(en).toContain(`“<span lang="fr">${esc(title(first))}</span>” ahead of “<span lang="fr">${esc(title(second))}</span>” by a draw`);
    expect(en).not.toContain('<cargo>');
    // On a French page the French titles are not marked; the plain text keeps the bare titles.
    const fr = html('fr');
    expect(fr).not.toContain('<span');
    expect(fr).toContain(`« ${esc(title(first))} » devant « ${esc(title(second))} »`);
    expect(say(entry.explanation, 'en')).toContain(`“${title(first)}” ahead of “${title(second)}” by a draw`);
  });
});
