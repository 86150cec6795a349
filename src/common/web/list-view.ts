import { memo } from '../i18n/format.js';
/**
 * Lists that scale on staff pages (issue 16): sorting by column, pages and counts, kept in the query string
 * so that a list works without JavaScript, can be bookmarked and survives a reload.
 *
 * The rules (which column, which direction, which page) are plain code; pages pass either their rows (a
 * programme's applications or campaigns: bounded, sorted here) or a total from the database (people,
 * contributions: sorted and paged there, with the same `ListState`).
 */

export type Direction = 'asc' | 'desc';
export type SortValue = string | number | boolean | Date | null | undefined;

export interface ListColumn<T> {
  /** The column's name in the query string (`?sort=<key>`). */
  key: string;
  /** Its heading, already in the reader's language. */
  label: string;
  /** How a row sorts on this column (in-memory lists); absent for a column that does not sort. */
  value?: (row: T) => SortValue;
  /** Whether the column sorts on the database side (paged lists pass no `value`). */
  sortable?: boolean;
  /** Numbers and amounts read right-aligned and sort from the largest first. */
  numeric?: boolean;
}

export interface ListState {
  sort: string;
  dir: Direction;
  page: number;
  size: number;
}

export interface HeadCell {
  key: string;
  label: string;
  numeric: boolean;
  href: string | null;
  /** `aria-sort` of the column the list is sorted by. */
  ariaSort: 'ascending' | 'descending' | null;
  /** The arrow drawn after the active heading (decorative: `aria-sort` says it). */
  arrow: string;
}

export interface Pager {
  page: number;
  pages: number;
  total: number;
  /** First and last row shown (1-based), for "1–25 of 120". */
  first: number;
  last: number;
  prevHref: string | null;
  nextHref: string | null;
  multiple: boolean;
}

export const LIST_PAGE_SIZE = 25;

/** The query parameters of a list; a page with two lists gives the second a prefix (`jsort`, `jdir`, `jpage`). */
export function paramNames(prefix = '') {
  return { sort: `${prefix}sort`, dir: `${prefix}dir`, page: `${prefix}page` };
}

const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/**
 * The list's state from the query: an unknown column or direction falls back to the default rather than
 * failing (a stale bookmark still opens the list).
 */
export function listStateOf(
  query: Record<string, unknown>,
  columns: ReadonlyArray<{ key: string; value?: unknown; sortable?: boolean; numeric?: boolean }>,
  defaults: { sort: string; dir?: Direction; size?: number; prefix?: string },
): ListState {
  const n = paramNames(defaults.prefix);
  const sortable = columns.filter((c) => c.value || c.sortable);
  const asked = sortable.find((c) => c.key === str(query[n.sort]));
  const sort = asked?.key ?? defaults.sort;
  const column = sortable.find((c) => c.key === sort);
  const fallbackDir: Direction = asked ? (column?.numeric ? 'desc' : 'asc') : (defaults.dir ?? 'asc');
  const d = str(query[n.dir]);
  const dir: Direction = d === 'asc' || d === 'desc' ? d : fallbackDir;
  const p = str(query[n.page]);
  // A page past the end shows the last one (see pageOf), however large the number typed.
  const page = /^\d+$/.test(p) ? Math.max(1, Math.min(Number(p), 1_000_000)) : 1;
  return { sort, dir, page, size: defaults.size ?? LIST_PAGE_SIZE };
}

function compare(a: SortValue, b: SortValue, collator: Intl.Collator): number {
  // Empty values go last whatever the direction: a missing commune is not "before A".
  const empty = (v: SortValue) => v === null || v === undefined || v === '';
  if (empty(a) || empty(b)) return empty(a) === empty(b) ? 0 : empty(a) ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** Rows sorted by the state's column (stable: equal rows keep their order), in the reader's collation. */
export function sortRows<T>(rows: readonly T[], columns: ReadonlyArray<ListColumn<T>>, state: ListState, intlTag: string): T[] {
  const column = columns.find((c) => c.key === state.sort && c.value);
  if (!column?.value) return [...rows];
  const collator = memo(`collator:${intlTag}`, () => new Intl.Collator(intlTag, { numeric: true, sensitivity: 'base' }));
  const get = column.value;
  const sign = state.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row, i) => ({ row, i, v: get(row) }));
  keyed.sort((x, y) => {
    const emptyX = x.v === null || x.v === undefined || x.v === '';
    const emptyY = y.v === null || y.v === undefined || y.v === '';
    if (emptyX || emptyY) return compare(x.v, y.v, collator) || x.i - y.i;
    return sign * compare(x.v, y.v, collator) || x.i - y.i;
  });
  return keyed.map((k) => k.row);
}

/** The page of a total, clamped (page 9 of a 3-page list shows page 3). */
export function pageOf(state: ListState, total: number): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / state.size));
  const page = Math.min(state.page, pages);
  return { page, pages, offset: (page - 1) * state.size };
}

/** A link to the same list with some parameters changed (`null` removes one; page 1 is written as no page). */
export function listHref(path: string, query: Record<string, unknown>, keep: readonly string[], change: Record<string, string | number | null>): string {
  const params = new URLSearchParams();
  for (const k of keep) {
    const v = str(query[k]);
    if (v) params.set(k, v);
  }
  for (const [k, v] of Object.entries(change)) {
    if (v === null || (k.endsWith('page') && Number(v) <= 1)) params.delete(k);
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export interface ListView<T> {
  items: T[];
  head: HeadCell[];
  pager: Pager;
  /** Hidden inputs for the filter form, so that filtering keeps the sort. */
  sortInputs: Array<{ name: string; value: string }>;
}

interface ListViewInput {
  /** The page's path with the tenant's base (`/t/demo/staff/...`). */
  path: string;
  query: Record<string, unknown>;
  /** The filter parameters a link keeps (sort, direction and page are added). */
  filters: readonly string[];
  state: ListState;
  defaultSort: string;
  defaultDir: Direction;
  /** For a second list on the same page (see `paramNames`). */
  prefix?: string;
}

/** Headings with sort links and the pager for a list whose rows are already the page's. */
export function listView<T>(columns: ReadonlyArray<ListColumn<T>>, items: T[], total: number, input: ListViewInput): ListView<T> {
  const { path, query, filters, state } = input;
  const n = paramNames(input.prefix);
  const keep = [...filters, n.sort, n.dir];
  const isDefault = (sort: string, dir: Direction) => sort === input.defaultSort && dir === input.defaultDir;
  const sortParams = (sort: string, dir: Direction): Record<string, string | null> =>
    isDefault(sort, dir) ? { [n.sort]: null, [n.dir]: null } : { [n.sort]: sort, [n.dir]: dir };
  const head = columns.map((c): HeadCell => {
    const active = c.key === state.sort;
    const canSort = Boolean(c.value || c.sortable);
    const next: Direction = active ? (state.dir === 'asc' ? 'desc' : 'asc') : c.numeric ? 'desc' : 'asc';
    return {
      key: c.key,
      label: c.label,
      numeric: Boolean(c.numeric),
      href: canSort ? listHref(path, query, filters, { ...sortParams(c.key, next), [n.page]: null }) : null,
      ariaSort: active && canSort ? (state.dir === 'asc' ? 'ascending' : 'descending') : null,
      arrow: active && canSort ? (state.dir === 'asc' ? '▲' : '▼') : '',
    };
  });
  const { page, pages, offset } = pageOf(state, total);
  const sorted = sortParams(state.sort, state.dir);
  const at = (p: number) => listHref(path, query, keep, { ...sorted, [n.page]: p });
  return {
    items,
    head,
    pager: {
      page,
      pages,
      total,
      first: total ? offset + 1 : 0,
      last: offset + items.length,
      prevHref: page > 1 ? at(page - 1) : null,
      nextHref: page < pages ? at(page + 1) : null,
      multiple: pages > 1,
    },
    sortInputs: Object.entries(sorted)
      .filter(([, v]) => v !== null)
      .map(([name, value]) => ({ name, value: String(value) })),
  };
}

/** Sort, page and describe rows held in memory (a programme's applications, campaigns, laureates). */
export function listInMemory<T>(
  rows: readonly T[],
  columns: ReadonlyArray<ListColumn<T>>,
  input: Omit<ListViewInput, 'state'> & { size?: number; intlTag: string },
): ListView<T> & { state: ListState } {
  const state = listStateOf(input.query, columns, { sort: input.defaultSort, dir: input.defaultDir, size: input.size, prefix: input.prefix });
  const sorted = sortRows(rows, columns, state, input.intlTag);
  const { offset } = pageOf(state, sorted.length);
  const items = sorted.slice(offset, offset + state.size);
  return { ...listView(columns, items, sorted.length, { ...input, state }), state };
}
