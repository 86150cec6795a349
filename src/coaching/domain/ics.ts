/**
 * A minimal iCalendar (RFC 5545) writer: a laureate's schedule (one VEVENT per milestone) and the
 * invitation to one coaching session (iTIP, RFC 5546); times in
 * UTC, TEXT values escaped (backslash, semicolon, comma, newline) and lines folded at 75 octets.
 */
export interface CalendarEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  /** Sequence number: increases when the event changes, so calendar clients update it. */
  sequence?: number;
}

export function icsDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into lines of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function writeCalendar(opts: { prodId: string; name: string; events: readonly CalendarEvent[]; now: Date }): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${opts.prodId}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(opts.name)}`];
  for (const e of opts.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${icsDateTime(opts.now)}`,
      `DTSTART:${icsDateTime(e.start)}`,
      `DTEND:${icsDateTime(e.end)}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.sequence !== undefined) lines.push(`SEQUENCE:${e.sequence}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.url) lines.push(`URL:${e.url}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** A person in an invitation: their name (CN) and address. */
export interface CalendarPerson {
  name: string;
  email: string;
}

export type InvitationMethod = 'REQUEST' | 'CANCEL';

/** A parameter value (RFC 5545 §3.2): quoted, without the characters a quoted value cannot hold. */
function paramValue(value: string): string {
  return `"${value.replace(/["\r\n]/g, '').replace(/[\u0000-\u001f\u007f]/g, '')}"`;
}

function mailto(email: string): string {
  return `mailto:${email.replace(/[\s"<>]/g, '')}`;
}

/**
 * An iTIP invitation (RFC 5546) for one event: METHOD:REQUEST to invite (and to update, with the same
 * UID and a higher SEQUENCE, which replaces the earlier one in the attendees' calendars) or
 * METHOD:CANCEL to call it off. The authority is the ORGANIZER, every laureate an ATTENDEE; times in UTC.
 */
export function writeInvitation(opts: {
  prodId: string;
  method: InvitationMethod;
  organizer: CalendarPerson;
  attendees: readonly CalendarPerson[];
  event: CalendarEvent & { sequence: number };
  now: Date;
}): string {
  const e = opts.event;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${opts.prodId}`,
    'CALSCALE:GREGORIAN',
    `METHOD:${opts.method}`,
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${icsDateTime(opts.now)}`,
    `DTSTART:${icsDateTime(e.start)}`,
    `DTEND:${icsDateTime(e.end)}`,
    `SUMMARY:${escapeText(e.summary)}`,
    `STATUS:${opts.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    `ORGANIZER;CN=${paramValue(opts.organizer.name)}:${mailto(opts.organizer.email)}`,
    ...opts.attendees.map(
      (a) => `ATTENDEE;CN=${paramValue(a.name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:${mailto(a.email)}`,
    ),
  ];
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  lines.push('END:VEVENT', 'END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/**
 * Reads an iCalendar text back (unfolded, unescaped): each component's properties by name, the
 * parameters kept on the side. Enough to check what this module writes; not a general parser.
 */
export interface ParsedProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}
export function parseCalendar(text: string): { components: Array<{ name: string; props: ParsedProperty[] }> } {
  const lines = text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
  const components: Array<{ name: string; props: ParsedProperty[] }> = [];
  const stack: Array<{ name: string; props: ParsedProperty[] }> = [];
  for (const line of lines) {
    const prop = parseLine(line);
    if (prop.name === 'BEGIN') {
      const c = { name: prop.value, props: [] };
      stack.push(c);
      components.push(c);
    } else if (prop.name === 'END') stack.pop();
    else stack[stack.length - 1]?.props.push(prop);
  }
  return { components };
}

function parseLine(line: string): ParsedProperty {
  // The value starts at the first colon outside a quoted parameter value.
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) {
      colon = i;
      break;
    }
  }
  const head = colon < 0 ? line : line.slice(0, colon);
  const raw = colon < 0 ? '' : line.slice(colon + 1);
  const [name, ...rest] = head.match(/(?:[^;"]|"[^"]*")+/g) ?? [head];
  const params = Object.fromEntries(
    rest.map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq).toUpperCase(), p.slice(eq + 1).replace(/^"(.*)"$/, '$1')];
    }),
  );
  const value = raw.replace(/\\(n|N|,|;|\\)/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
  return { name: name.toUpperCase(), params, value };
}
