/**
 * Names of uploaded files: kept as the person wrote them (in UTF-8), but downloaded under the
 * extension of their real type, with a Content-Disposition every browser reads (RFC 6266, RFC 8187).
 * Pure functions.
 */

/** The extensions of each type the sniffer recognises (applications/domain/file-sniffing.ts); the first is added. */
const EXTENSIONS: Record<string, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
};

const MAX_NAME_CHARS = 120;

/**
 * The name an upload is stored under: the client's name (NFC, so that a name typed on a Mac compares
 * and displays like the same name typed elsewhere), letters and digits of any script kept, anything
 * else (slashes, quotes, control characters, emoji) replaced by "_", at most 120 characters.
 */
export function storedFileName(originalname: string | undefined, fallback: string): string {
  const safe = (originalname ?? '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}._ -]/gu, '_')
    .trim();
  return Array.from(safe).slice(0, MAX_NAME_CHARS).join('') || fallback;
}

/**
 * The name a stored file is downloaded under: its last extension becomes the one of its sniffed type
 * when it is not already one of them (a PDF uploaded as "poly.html" downloads as "poly.pdf", "photo"
 * holding a PNG as "photo.png"). Its name never decides how it opens.
 */
export function downloadName(filename: string, contentType: string): string {
  const extensions = EXTENSIONS[contentType.split(';')[0].trim().toLowerCase()];
  if (!extensions) return filename;
  const m = /^(.*?)(?:\.([A-Za-z0-9]{1,10}))?$/su.exec(filename)!;
  const [base, ext] = [m[1], m[2]];
  if (ext && extensions.includes(ext.toLowerCase())) return filename;
  return `${(ext ? base : filename).replace(/\.+$/, '') || 'file'}.${extensions[0]}`;
}

/** RFC 8187 attr-char: what a filename* value may hold unencoded. */
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 §4.3): old
 * clients take the fallback (accents dropped, anything else as "_"), the others the exact name.
 */
export function contentDisposition(name: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  // A lone surrogate cannot be percent-encoded: it becomes U+FFFD, as it would in UTF-8.
  const exact = name.replace(/[\uD800-\uDFFF]/gu, '\uFFFD').normalize('NFC');
  const ascii = exact
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(exact)}`;
}
