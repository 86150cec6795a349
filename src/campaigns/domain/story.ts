/**
 * A campaign's story is rich text written by a laureate and shown to everyone. It is rebuilt from
 * scratch: text is escaped, and only an allow-list of tags survives, re-written without any attribute
 * but a checked `href` on links. Nothing of the original markup is passed through, so a script, a
 * style, an event handler or a `javascript:` link cannot survive whatever the input.
 */
const ALLOWED = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'h2', 'h3', 'blockquote', 'a']);
const VOID = new Set(['br']);
/** Elements whose content is dropped with them. */
const DROP_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'textarea', 'select', 'svg', 'math', 'head', 'title']);

const escapeText = (s: string) =>
  s
    .replace(/&(?!(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&amp;/gi, '&');
}

/** http(s) and mailto only, judged after decoding entities and removing control characters and spaces. */
export function safeHref(raw: string): string | null {
  const decoded = decodeEntities(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (/^(https?:\/\/|mailto:)/i.test(decoded)) return decoded;
  return null;
}

const TAG = /<\/?([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/y;
const COMMENT = /<!--[\s\S]*?(-->|$)/y;
const HREF = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;

export function sanitiseStory(html: string): string {
  let out = '';
  const open: string[] = [];
  let dropping: string | null = null;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const text = html.slice(i, lt < 0 ? html.length : lt);
    if (text && !dropping) out += escapeText(text);
    if (lt < 0) break;
    COMMENT.lastIndex = lt;
    if (COMMENT.test(html)) {
      i = COMMENT.lastIndex;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    if (!m) {
      if (!dropping) out += '&lt;';
      i = lt + 1;
      continue;
    }
    i = TAG.lastIndex;
    const closing = m[0][1] === '/';
    const name = m[1].toLowerCase();
    if (dropping) {
      if (closing && name === dropping) dropping = null;
      continue;
    }
    if (DROP_CONTENT.has(name)) {
      if (!closing && !m[0].endsWith('/>')) dropping = name;
      continue;
    }
    if (!ALLOWED.has(name)) continue;
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at < 0) continue;
      while (open.length > at) out += `</${open.pop()}>`;
      continue;
    }
    if (VOID.has(name)) {
      out += `<${name}>`;
      continue;
    }
    if (name === 'a') {
      const h = HREF.exec(m[2] ?? '');
      const href = h ? safeHref(h[1] ?? h[2] ?? h[3] ?? '') : null;
      out += href ? `<a href="${escapeAttr(href)}" rel="noopener noreferrer nofollow">` : '<a>';
    } else out += `<${name}>`;
    open.push(name);
  }
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

/**
 * A story as sent: HTML when it has block structure (paragraphs, lists, headings), sanitised; otherwise
 * plain text (as typed in the page's text area), escaped and cut into paragraphs.
 */
export function storyFromText(text: string): string {
  if (/<(p|br|ul|ol|h2|h3|blockquote)[\s>/]/i.test(text)) return sanitiseStory(text);
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>')}</p>`)
    .join('');
}
