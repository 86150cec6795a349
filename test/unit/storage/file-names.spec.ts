import fc from 'fast-check';
import { sniffFileType } from '../../../src/applications/domain/file-sniffing.js';
import { contentDisposition, downloadName, storedFileName } from '../../../src/storage/file-names.js';

/** Reads a Content-Disposition back as a browser does: filename* first (RFC 6266 §4.3). */
function nameOf(header: string): { ascii: string; exact: string } {
  const ascii = /filename="([^"]*)"/.exec(header)![1];
  const exact = decodeURIComponent(/filename\*=UTF-8''([^;\s]*)/.exec(header)![1]);
  return { ascii, exact };
}

describe('file names', () => {
  it('downloads a file under the extension of its sniffed type', () => {
    expect(downloadName('poly.html', 'application/pdf')).toBe('poly.pdf');
    expect(downloadName('dossier-中文.pdf', 'application/pdf')).toBe('dossier-中文.pdf');
    expect(downloadName('Deck.PDF', 'application/pdf')).toBe('Deck.PDF');
    expect(downloadName('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(downloadName('photo.heic', 'image/jpeg')).toBe('photo.jpg');
    expect(downloadName('archive.tar.gz', 'application/pdf')).toBe('archive.tar.pdf');
    expect(downloadName('rapport', 'image/png')).toBe('rapport.png');
    expect(downloadName('rapport final v2', 'application/pdf')).toBe('rapport final v2.pdf');
    expect(downloadName('.html', 'application/pdf')).toBe('file.pdf');
    expect(downloadName('x.', 'application/pdf')).toBe('x.pdf');
    expect(downloadName('notes.txt', 'text/plain')).toBe('notes.txt');
  });

  it('knows the extension of every type the sniffer recognises', () => {
    const samples = [
      Buffer.from('%PDF-1.7'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from('GIF89a'),
      Buffer.from('RIFF\0\0\0\0WEBPVP8 '),
    ];
    for (const bytes of samples) {
      const sniffed = sniffFileType(bytes)!;
      expect(downloadName('x.html', sniffed.mime)).toBe(`x.${sniffed.extension}`);
    }
  });

  it('stores the name as written, in NFC, without path, quote or control characters', () => {
    expect(storedFileName('dossier-中文.pdf', 'file.pdf')).toBe('dossier-中文.pdf');
    expect(storedFileName('re\u0301sume\u0301.pdf', 'file.pdf')).toBe('résumé.pdf');
    expect(storedFileName('../../etc/"passwd"\r\n.pdf', 'file.pdf')).toBe('.._.._etc__passwd___.pdf');
    expect(storedFileName('🚲.png', 'file.png')).toBe('_.png');
    expect(storedFileName('', 'file.pdf')).toBe('file.pdf');
    expect(storedFileName(undefined, 'file.pdf')).toBe('file.pdf');
    expect(Array.from(storedFileName('𠀀'.repeat(200), 'f')).length).toBe(120);
  });

  it('writes an RFC 6266 header: an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('dossier-中文.pdf')).toBe(`attachment; filename="dossier-__.pdf"; filename*=UTF-8''dossier-%E4%B8%AD%E6%96%87.pdf`);
    expect(contentDisposition('Résumé (v2)*.pdf')).toBe(`attachment; filename="Resume (v2)*.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28v2%29%2A.pdf`);
    expect(contentDisposition('50% "off"\\.pdf')).toBe(`attachment; filename="50_ _off__.pdf"; filename*=UTF-8''50%25%20%22off%22%5C.pdf`);
    expect(contentDisposition('a\ud800b.pdf')).toBe(`attachment; filename="a_b.pdf"; filename*=UTF-8''a%EF%BF%BDb.pdf`);
    expect(contentDisposition("l'été.png", 'inline')).toBe(`inline; filename="l'ete.png"; filename*=UTF-8''l%27%C3%A9t%C3%A9.png`);
  });

  it('round-trips any name, and the header is always a valid header value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (name) => {
        const header = contentDisposition(name);
        expect(header).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]*$/);
        expect(nameOf(header).exact).toBe(name.normalize('NFC'));
        expect(nameOf(header).ascii).not.toMatch(/["\\%]/);
      }),
      { numRuns: 500 },
    );
  });
});
