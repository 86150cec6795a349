import { listHref, listInMemory, listStateOf, listView, pageOf, sortRows, type ListColumn } from '../../../src/common/web/list-view.js';

interface Row {
  name: string;
  amount: number | null;
}
const columns: ListColumn<Row>[] = [
  { key: 'name', label: 'Nom', value: (r) => r.name },
  { key: 'amount', label: 'Montant', value: (r) => r.amount, numeric: true },
  { key: 'links', label: 'Liens' },
];
const rows: Row[] = [
  { name: 'Élan', amount: 300 },
  { name: 'atelier 10', amount: null },
  { name: 'Atelier 9', amount: 100 },
  { name: 'Zèbre', amount: 300 },
];

describe('lists that scale (issue 16, part 6)', () => {
  it('reads the sort, direction and page from the query, falling back on the defaults', () => {
    expect(listStateOf({ sort: 'amount' }, columns, { sort: 'name' })).toEqual({ sort: 'amount', dir: 'desc', page: 1, size: 25 });
    expect(listStateOf({ sort: 'name', dir: 'desc', page: '3' }, columns, { sort: 'name' })).toEqual({ sort: 'name', dir: 'desc', page: 3, size: 25 });
    // A column that does not sort, a made-up one, a bad direction or page: the defaults.
    expect(listStateOf({ sort: 'links', dir: 'up', page: '-1' }, columns, { sort: 'name', dir: 'desc' })).toEqual({
      sort: 'name',
      dir: 'desc',
      page: 1,
      size: 25,
    });
    expect(listStateOf({ sort: "name'; DROP", page: '1e9' }, columns, { sort: 'amount' }).sort).toBe('amount');
    expect(listStateOf({ asort: 'amount', adir: 'asc', apage: '2' }, columns, { sort: 'name', prefix: 'a' })).toMatchObject({
      sort: 'amount',
      dir: 'asc',
      page: 2,
    });
  });

  it('sorts in the reader’s collation (accents, case, numbers), empty values last in both directions, ties stable', () => {
    const by = (sort: string, dir: 'asc' | 'desc') => sortRows(rows, columns, { sort, dir, page: 1, size: 25 }, 'fr-FR');
    expect(by('name', 'asc').map((r) => r.name)).toEqual(['Atelier 9', 'atelier 10', 'Élan', 'Zèbre']);
    expect(by('name', 'desc').map((r) => r.name)).toEqual(['Zèbre', 'Élan', 'atelier 10', 'Atelier 9']);
    expect(by('amount', 'desc').map((r) => r.name)).toEqual(['Élan', 'Zèbre', 'Atelier 9', 'atelier 10']);
    expect(by('amount', 'asc').map((r) => r.name)).toEqual(['Atelier 9', 'Élan', 'Zèbre', 'atelier 10']);
  });

  it('clamps a page past the end and counts what is shown', () => {
    expect(pageOf({ sort: 'name', dir: 'asc', page: 9, size: 2 }, 5)).toEqual({ page: 3, pages: 3, offset: 4 });
    expect(pageOf({ sort: 'name', dir: 'asc', page: 1, size: 2 }, 0)).toEqual({ page: 1, pages: 1, offset: 0 });
    // However large the number typed, it is the last page, never the first.
    expect(pageOf(listStateOf({ page: '999999999999' }, columns, { sort: 'name', size: 2 }), 5).page).toBe(3);
    const list = listInMemory(rows, columns, {
      path: '/t/x/list',
      query: { page: '7', q: 'a' },
      filters: ['q'],
      defaultSort: 'name',
      defaultDir: 'asc',
      size: 3,
      intlTag: 'fr-FR',
    });
    expect(list.items.map((r) => r.name)).toEqual(['Zèbre']);
    expect(list.pager).toMatchObject({ page: 2, pages: 2, total: 4, first: 4, last: 4, multiple: true, nextHref: null, prevHref: '/t/x/list?q=a' });
  });

  it('writes headings with aria-sort and links that keep the filters, reverse the active column and go back to page 1', () => {
    const state = listStateOf({ sort: 'amount', dir: 'asc', page: '2', q: 'vélo' }, columns, { sort: 'name' });
    const view = listView(columns, rows, 60, {
      path: '/p',
      query: { sort: 'amount', dir: 'asc', page: '2', q: 'vélo' },
      filters: ['q'],
      state,
      defaultSort: 'name',
      defaultDir: 'asc',
    });
    const [name, amount, links] = view.head;
    expect(amount).toMatchObject({ ariaSort: 'ascending', arrow: '▲', href: '/p?q=v%C3%A9lo&sort=amount&dir=desc', numeric: true });
    // Back to the default order: no sort parameters at all.
    expect(name).toMatchObject({ ariaSort: null, href: '/p?q=v%C3%A9lo' });
    expect(links.href).toBeNull();
    expect(view.pager).toMatchObject({
      page: 2,
      pages: 3,
      prevHref: '/p?q=v%C3%A9lo&sort=amount&dir=asc',
      nextHref: '/p?q=v%C3%A9lo&sort=amount&dir=asc&page=3',
    });
    expect(view.sortInputs).toEqual([
      { name: 'sort', value: 'amount' },
      { name: 'dir', value: 'asc' },
    ]);
  });

  it('keeps another list’s parameters on a page with two lists', () => {
    expect(listHref('/p', { sort: 'name', apage: '3', x: 'drop' }, ['sort', 'apage'], { page: 2 })).toBe('/p?sort=name&apage=3&page=2');
    expect(listHref('/p', { apage: '3' }, ['apage'], { apage: 1 })).toBe('/p');
  });
});
