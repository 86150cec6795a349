import fc from 'fast-check';
import { escapeText, foldLine, parseCalendar, writeCalendar, writeInvitation } from '../../../src/coaching/domain/ics.js';
import { nextInvitation, sameSnapshot, statusForAttendance, assertSessionHeld, type SessionSnapshot } from '../../../src/coaching/domain/attendance.js';
import { DomainError } from '../../../src/common/errors/domain-error.js';

const start = new Date('2026-07-07T08:00:00Z');
const invitation = (over: Partial<Parameters<typeof writeInvitation>[0]> = {}) =>
  writeInvitation({
    prodId: '-//Tremplin//Coaching//FR',
    method: 'REQUEST',
    organizer: { name: 'Ville de Brest', email: 'tremplin@brest.example' },
    attendees: [
      { name: 'Inès Durand', email: 'ines@example.org' },
      { name: 'Bob "the builder"; Smith', email: 'bob@example.org' },
    ],
    now: new Date('2026-06-30T08:00:00Z'),
    event: {
      uid: 'session-1234@brest.example',
      sequence: 2,
      start,
      end: new Date(start.getTime() + 90 * 60_000),
      summary: 'Kick-off, atelier; 1',
      description: 'Bring:\nyour budget, your questions; a pen',
      location: 'Fablab, 12 rue du Port; salle 2',
      url: 'https://brest.example/coaching/programmes/p/sessions/kickoff',
    },
    ...over,
  });

const event = (text: string) => parseCalendar(text).components.find((c) => c.name === 'VEVENT')!;
const prop = (c: { props: Array<{ name: string; value: string; params: Record<string, string> }> }, name: string) => c.props.find((p) => p.name === name);

describe('iCalendar writer', () => {
  it('ends every line with CRLF and folds lines at 75 octets, continuation lines starting with one space', () => {
    const text = invitation({ event: { uid: 'u@x', sequence: 0, start, end: start, summary: 'é'.repeat(100) } });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    expect(prop(event(text), 'SUMMARY')!.value).toBe('é'.repeat(100));
  });

  it('never splits a character and always unfolds to the original line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const folded = foldLine(`SUMMARY:${s}`);
        const parts = folded.split('\r\n');
        parts.forEach((p, i) => {
          expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
          if (i > 0) expect(p.startsWith(' ')).toBe(true);
        });
        expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${s}`);
      }),
    );
  });

  it('escapes backslashes, commas, semicolons and newlines in text, and reads them back', () => {
    expect(escapeText('a,b;c\\d\ne\r\nf')).toBe('a\\,b\\;c\\\\d\\ne\\nf');
    const e = event(invitation());
    expect(prop(e, 'SUMMARY')!.value).toBe('Kick-off, atelier; 1');
    expect(prop(e, 'DESCRIPTION')!.value).toBe('Bring:\nyour budget, your questions; a pen');
    expect(prop(e, 'LOCATION')!.value).toBe('Fablab, 12 rue du Port; salle 2');
    expect(invitation()).toContain('LOCATION:Fablab\\, 12 rue du Port\\; salle 2');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const text = invitation({ event: { uid: 'u@x', sequence: 0, start, end: start, summary: s || 'x' } });
        expect(prop(event(text), 'SUMMARY')!.value).toBe((s || 'x').replace(/\r\n|\r/g, '\n'));
      }),
    );
  });

  it('writes an iTIP REQUEST: the authority as organiser, each laureate as attendee, a stable UID with its SEQUENCE, UTC times and a URL', () => {
    const text = invitation();
    const cal = parseCalendar(text).components[0];
    expect(cal.name).toBe('VCALENDAR');
    expect(prop(cal, 'METHOD')!.value).toBe('REQUEST');
    expect(prop(cal, 'VERSION')!.value).toBe('2.0');
    const e = event(text);
    expect(prop(e, 'UID')!.value).toBe('session-1234@brest.example');
    expect(prop(e, 'SEQUENCE')!.value).toBe('2');
    expect(prop(e, 'DTSTART')!.value).toBe('20260707T080000Z');
    expect(prop(e, 'DTEND')!.value).toBe('20260707T093000Z');
    expect(prop(e, 'DTSTAMP')!.value).toMatch(/^\d{8}T\d{6}Z$/);
    expect(prop(e, 'STATUS')!.value).toBe('CONFIRMED');
    expect(prop(e, 'URL')!.value).toBe('https://brest.example/coaching/programmes/p/sessions/kickoff');
    const organizer = prop(e, 'ORGANIZER')!;
    expect(organizer.value).toBe('mailto:tremplin@brest.example');
    expect(organizer.params.CN).toBe('Ville de Brest');
    const attendees = e.props.filter((p) => p.name === 'ATTENDEE');
    expect(attendees.map((a) => a.value)).toEqual(['mailto:ines@example.org', 'mailto:bob@example.org']);
    // A quote cannot stand in a quoted parameter: it is dropped, the semicolon stays inside the quotes.
    expect(attendees[1].params.CN).toBe('Bob the builder; Smith');
    expect(attendees[0].params.ROLE).toBe('REQ-PARTICIPANT');
  });

  it('writes a CANCEL with the same UID, a higher SEQUENCE and the CANCELLED status', () => {
    const text = invitation({ method: 'CANCEL', event: { uid: 'session-1234@brest.example', sequence: 3, start, end: start, summary: 'Kick-off' } });
    expect(prop(parseCalendar(text).components[0], 'METHOD')!.value).toBe('CANCEL');
    const e = event(text);
    expect(prop(e, 'UID')!.value).toBe('session-1234@brest.example');
    expect(prop(e, 'SEQUENCE')!.value).toBe('3');
    expect(prop(e, 'STATUS')!.value).toBe('CANCELLED');
  });

  it('keeps the schedule feed a PUBLISH calendar', () => {
    const text = writeCalendar({ prodId: 'x', name: 'Feed, mine', now: start, events: [{ uid: 'a@x', start, end: start, summary: 'A' }] });
    expect(prop(parseCalendar(text).components[0], 'METHOD')!.value).toBe('PUBLISH');
    expect(prop(parseCalendar(text).components[0], 'X-WR-CALNAME')!.value).toBe('Feed, mine');
  });
});

describe('session invitations and attendance', () => {
  const snap: SessionSnapshot = {
    at: start.toISOString(),
    durationMinutes: 90,
    location: { kind: 'place', address: 'Fablab' },
    title: { fr: 'Kick-off' },
    description: {},
  };

  it('invites at sequence 0, sends nothing new while nothing changed, and adds one per change or cancellation', () => {
    expect(nextInvitation(null, snap)).toEqual({ sequence: 0, changed: true, method: 'REQUEST' });
    expect(nextInvitation({ sequence: 0, snapshot: snap, cancelled: false }, { ...snap, title: { fr: 'Kick-off' } })).toEqual({
      sequence: 0,
      changed: false,
      method: 'REQUEST',
    });
    expect(nextInvitation({ sequence: 0, snapshot: snap, cancelled: false }, { ...snap, durationMinutes: 60 })).toEqual({
      sequence: 1,
      changed: true,
      method: 'REQUEST',
    });
    expect(nextInvitation({ sequence: 1, snapshot: snap, cancelled: false }, null)).toEqual({ sequence: 2, changed: true, method: 'CANCEL' });
    expect(nextInvitation({ sequence: 2, snapshot: snap, cancelled: true }, null)).toBeNull();
    expect(nextInvitation({ sequence: 2, snapshot: snap, cancelled: true }, snap)).toEqual({ sequence: 3, changed: true, method: 'REQUEST' });
    expect(nextInvitation(null, null)).toBeNull();
    expect(sameSnapshot({ ...snap, title: { en: 'b', fr: 'a' } }, { ...snap, title: { fr: 'a', en: 'b' } })).toBe(true);
  });

  it('records attendance only once the session started; present validates it', () => {
    expect(() => assertSessionHeld(start, new Date(start.getTime() - 1))).toThrow(DomainError);
    expect(() => assertSessionHeld(start, start)).not.toThrow();
    expect(statusForAttendance('present')).toBe('validated');
    expect(statusForAttendance('absent')).toBe('pending');
    expect(statusForAttendance('excused')).toBe('pending');
  });
});
