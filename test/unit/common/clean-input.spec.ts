import fc from 'fast-check';
import { isCleanText, jsonDepthExceeds, pathHasControlCharacters, textProblems } from '../../../src/common/web/clean-input.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('clean text', () => {
  it('refuses NUL, C0 controls but tab and line breaks, and lone surrogates', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f', '\ud800', '\udfff'])
      expect([c, isCleanText(`a${c}b`)]).toEqual([c, false]);
    for (const s of ['', 'Atelier vélo', 'ligne\tpuis\r\nune autre\n', 'dossier-中文', '🚲 emoji (a surrogate pair)', '\u007f\u0085'])
      expect([s, isCleanText(s)]).toEqual([s, true]);
  });

  it('names each bad string or key by its dotted path', () => {
    expect(textProblems({ title: 'ok', answers: { q1: 'x\u0000', q2: ['a', 'b\u0001'] }, ['k\u0000']: 1 }).map((p) => p.field)).toEqual([
      'answers.q1',
      'answers.q2.1',
      'k?',
    ]);
    expect(textProblems('\u0000').map((p) => p.field)).toEqual(['body']);
    expect(textProblems({ q: 'a\u0000' }, 'answers').map((p) => p.field)).toEqual(['answers.q']);
    expect(textProblems({ n: 1, b: true, z: null, d: new Date(0) })).toEqual([]);
  });

  it('refuses parsed values nested deeper than 32 levels (multipart fields have no limit of their own)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 33; i++) deep = { a: deep };
    expect(textProblems(deep)).toEqual([expect.objectContaining({ message: expect.stringContaining('nested too deeply') })]);
    let ok: unknown = 'x';
    for (let i = 0; i < 32; i++) ok = { a: ok };
    expect(textProblems(ok)).toEqual([]);
  });

  it('lists at most 20 problems', () => {
    expect(textProblems(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
  });

  it('finds encoded control characters in a path, not in its query string', () => {
    expect(pathHasControlCharacters('/sign-in/link/a%00b')).toBe(true);
    expect(pathHasControlCharacters('/x/%1f')).toBe(true);
    expect(pathHasControlCharacters('/x/%0A')).toBe(true);
    expect(pathHasControlCharacters('/x/%20%2F%7f?q=%00')).toBe(false);
  });
});

describe('JSON depth, from the raw bytes', () => {
  it('counts nested arrays and objects, not brackets inside strings', () => {
    expect(jsonDepthExceeds(bytes(`${'['.repeat(33)}${']'.repeat(33)}`))).toBe(true);
    expect(jsonDepthExceeds(bytes(`${'['.repeat(32)}${']'.repeat(32)}`))).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`))).toBe(false);
    expect(jsonDepthExceeds(bytes(`["\\\\", ${'['.repeat(40)}`))).toBe(true);
    expect(jsonDepthExceeds(bytes('{"中文[":[{"b":[]}]}'), 2)).toBe(true);
  });

  it('agrees with the depth of what JSON.parse builds', () => {
    const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (v, max) => {
        expect(jsonDepthExceeds(bytes(JSON.stringify(v)), max)).toBe(depthOf(v) > max);
      }),
      { numRuns: 500 },
    );
  });
});
