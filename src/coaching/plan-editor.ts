import { toLocalInput } from '../common/i18n/format.js';
import { cleanLocalized, hasText, type Locale, type Localized } from '../common/i18n/localized.js';
import { fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { languageFields, localizedFromForm, type ContentLanguages } from '../common/web/language-fields.js';
import type { StoredMilestone } from './coaching.entity.js';
import type { EvidenceKind, MilestoneKind } from './domain/milestones.js';
import type { MilestoneDto } from './dto/coaching.dto.js';

/**
 * The coaching plan as the staff editor's rows (one form, no JavaScript): every value as typed, so a
 * refused save shows the form again as it was sent. Moving and adding rows re-render the draft;
 * removing and everything else is applied when the plan is saved.
 */
export interface PlanRow {
  id: string;
  kind: MilestoneKind;
  title: Localized;
  description: Localized;
  dateKind: 'absolute' | 'relative';
  /** 'YYYY-MM-DDTHH:mm' in the authority's time zone. */
  at: string;
  days: string;
  time: string;
  duration: string;
  placeKind: 'place' | 'video';
  place: string;
  videoUrl: string;
  required: boolean;
  evidence: EvidenceKind;
  remove: boolean;
}

export const EVIDENCE_KINDS: readonly EvidenceKind[] = ['text', 'url', 'file'];

type FormBody = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export function newRow(kind: MilestoneKind): PlanRow {
  return {
    id: '',
    kind,
    title: {},
    description: {},
    dateKind: 'relative',
    at: '',
    days: '',
    time: '',
    duration: kind === 'session' ? '60' : '',
    placeKind: 'place',
    place: '',
    videoUrl: '',
    required: kind === 'deliverable',
    evidence: 'text',
    remove: false,
  };
}

export function rowsFromPlan(milestones: readonly StoredMilestone[], timeZone: string): PlanRow[] {
  return milestones.map((m) => ({
    ...newRow(m.kind),
    id: m.id,
    title: { ...m.title },
    description: { ...(m.description ?? {}) },
    dateKind: m.date.kind,
    at: m.date.kind === 'absolute' ? toLocalInput(new Date(m.date.at), timeZone) : '',
    days: m.date.kind === 'relative' ? String(m.date.days) : '',
    time: m.date.kind === 'relative' ? (m.date.time ?? '') : '',
    duration: m.durationMinutes ? String(m.durationMinutes) : '',
    placeKind: m.location?.kind === 'video' ? 'video' : 'place',
    place: m.location?.kind === 'place' ? m.location.address : '',
    videoUrl: m.location?.kind === 'video' ? m.location.url : '',
    required: m.required,
    evidence: m.evidence ?? 'text',
  }));
}

/** The rows of a submitted editor form (`m.<i>.<field>`, `count` rows). */
export function rowsFromForm(body: FormBody, languages: readonly Locale[]): PlanRow[] {
  const count = Math.min(Math.max(Number.parseInt(str(body.count), 10) || 0, 0), 100);
  const rows: PlanRow[] = [];
  for (let i = 0; i < count; i++) {
    const f = (name: string) => str(body[`m.${i}.${name}`]);
    const kind: MilestoneKind = f('kind') === 'session' ? 'session' : 'deliverable';
    const evidence = f('evidence') as EvidenceKind;
    rows.push({
      id: f('id'),
      kind,
      title: localizedFromForm(body, `m.${i}.title`, languages),
      description: localizedFromForm(body, `m.${i}.description`, languages),
      dateKind: f('dateKind') === 'absolute' ? 'absolute' : 'relative',
      at: f('at'),
      days: f('days'),
      time: f('time'),
      duration: f('duration'),
      placeKind: f('placeKind') === 'video' ? 'video' : 'place',
      place: f('place'),
      videoUrl: f('videoUrl'),
      required: f('required') === 'yes',
      evidence: EVIDENCE_KINDS.includes(evidence) ? evidence : 'text',
      remove: f('remove') === 'yes',
    });
  }
  return rows;
}

/** An editor action that changes the draft without saving it. */
export function applyDraftAction(rows: PlanRow[], op: string): PlanRow[] | null {
  const out = [...rows];
  const move = /^(up|down):(\d+)$/.exec(op);
  if (move) {
    const i = Number(move[2]);
    const j = move[1] === 'up' ? i - 1 : i + 1;
    if (i < out.length && j >= 0 && j < out.length) [out[i], out[j]] = [out[j], out[i]];
    return out;
  }
  if (op === 'add:session' || op === 'add:deliverable') return [...out, newRow(op === 'add:session' ? 'session' : 'deliverable')];
  return null;
}

const INT = /^-?\d+$/;

/**
 * The rows kept (not marked for removal) as the API's milestones, with what the form alone can tell
 * (a date that is no date, a number that is no number) by row index; the rest is the domain's to say.
 */
export function dtosFromRows(rows: readonly PlanRow[], timeZone: string): { dtos: MilestoneDto[]; rowOf: number[]; problems: FieldProblem[] } {
  const dtos: MilestoneDto[] = [];
  const rowOf: number[] = [];
  const problems: FieldProblem[] = [];
  rows.forEach((r, i) => {
    if (r.remove) return;
    const problem = (field: string, key: string) => problems.push(fieldProblem(`m.${i}.${field}`, key));
    const dto: MilestoneDto = {
      kind: r.kind,
      title: cleanLocalized(r.title),
      required: r.required,
      ...(r.id ? { id: r.id } : {}),
    };
    const description = cleanLocalized(r.description);
    if (hasText(description)) dto.description = description;
    if (r.dateKind === 'absolute') {
      const at = r.at ? zonedWallTimeToInstant(r.at, timeZone) : undefined;
      if (!at) problem('at', r.at ? 'validation.dateTime' : 'validation.required');
      else dto.at = at.toISOString();
    } else {
      if (!INT.test(r.days)) problem('days', r.days ? 'validation.wholeDays' : 'validation.required');
      else dto.days = Number(r.days);
      if (r.time) dto.time = r.time;
    }
    if (r.kind === 'session') {
      if (r.duration) {
        if (!INT.test(r.duration)) problem('duration', 'validation.wholeMinutes');
        else dto.durationMinutes = Number(r.duration);
      }
      if (r.placeKind === 'video') dto.videoUrl = r.videoUrl;
      else if (r.place) dto.place = r.place;
    } else {
      dto.evidence = r.evidence;
    }
    dtos.push(dto);
    rowOf.push(i);
  });
  return { dtos, rowOf, problems };
}

/** Where the domain's and the DTO's field names (`milestones.<k>.date.at`) are shown in the editor. */
const EDITOR_FIELD: Record<string, string> = {
  id: 'title',
  title: 'title',
  description: 'description',
  at: 'at',
  'date.at': 'at',
  days: 'days',
  'date.days': 'days',
  time: 'time',
  'date.time': 'time',
  place: 'place',
  'location.address': 'place',
  videoUrl: 'videoUrl',
  'location.url': 'videoUrl',
  durationMinutes: 'duration',
  evidence: 'evidence',
  kind: 'title',
  required: 'required',
};

/** A problem of milestone `k` of the saved list, on its row's field in the editor. */
export function onEditorField(p: FieldProblem, rowOf: readonly number[]): FieldProblem {
  const m = /^milestones\.(\d+)\.(.+)$/.exec(p.field);
  if (!m) return p;
  const row = rowOf[Number(m[1])] ?? Number(m[1]);
  const rest = m[2];
  const name = EDITOR_FIELD[rest] ?? EDITOR_FIELD[rest.split('.')[0]] ?? 'title';
  return { ...p, field: `m.${row}.${name}` };
}

/** The editor's label of a field (`m.<row>.<name>`): "Milestone 2 — Date and time". */
export function editorFieldLabel(field: string, t: (key: string, values?: Record<string, unknown>) => string): string | undefined {
  const m = /^m\.(\d+)\.(\w+)$/.exec(field);
  if (!m) return undefined;
  return t('coachingPlan.fieldOfRow', { n: Number(m[1]) + 1, label: t(`coachingPlan.${m[2]}`) });
}

/** The rows as the template shows them: per-language inputs, radio and select states, errors by field. */
export function rowModels(rows: readonly PlanRow[], tenant: ContentLanguages, errors: Record<string, string>) {
  return rows.map((r, i) => {
    const p = `m.${i}`;
    const err = (name: string) => errors[`${p}.${name}`];
    return {
      ...r,
      index: i,
      number: i + 1,
      prefix: p,
      isSession: r.kind === 'session',
      first: i === 0,
      last: i === rows.length - 1,
      /** Where the row lands after a move: the page opens there again. */
      upTarget: i - 1,
      downTarget: i + 1,
      isAbsolute: r.dateKind === 'absolute',
      isVideo: r.placeKind === 'video',
      titleLangs: languageFields(`${p}.title`, r.title, undefined, tenant, { required: true }),
      descriptionLangs: languageFields(`${p}.description`, r.description, undefined, tenant),
      evidenceOptions: EVIDENCE_KINDS.map((k) => ({ value: k, labelKey: `coachingPlan.evidence.${k}`, selected: k === r.evidence })),
      errors: {
        title: err('title'),
        description: err('description'),
        at: err('at'),
        days: err('days'),
        time: err('time'),
        duration: err('duration'),
        place: err('place'),
        videoUrl: err('videoUrl'),
        evidence: err('evidence'),
        required: err('required'),
      },
    };
  });
}
