import { TransactionRunner } from '../../src/common/db/transaction.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { createPerson, createTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Host and slug look-ups, cached per instance (src/tenants/tenants.service.ts). */
describe('tenant look-ups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('give one object per tenant whatever address found it, and a new one once it changed here', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const tenants = t.app.get(TenantsService);
    const byHost = await tenants.resolve('host', city.host);
    const bySlug = await tenants.resolve('slug', city.tenant.slug);
    // One object: what is rendered for it (campaign pages, the home page) serves both addresses.
    expect(byHost).not.toBeNull();
    expect(bySlug).toBe(byHost);
    await tenants.updateBranding(city.tenant, { name: 'Ville renommée' }, staff.userId);
    const renamed = await tenants.resolve('host', city.host);
    expect(renamed).not.toBe(byHost);
    expect(renamed?.name).toBe('Ville renommée');
    expect(await tenants.resolve('slug', city.tenant.slug)).toBe(renamed);
  });

  it('answer the site address inside a transaction from its own connection, and remember it for the next ones', async () => {
    const city = await createTenant(t, { hosts: ['financement.lookups.test'] });
    const tenants = t.app.get(TenantsService);
    const [{ n: before }] = await t.ds.query(`SELECT count(*)::int AS n FROM tenant_host WHERE tenant_id = $1`, [city.tenant.id]);
    expect(before).toBe(1);
    const inside = await t.app.get(TransactionRunner).run((em) => tenants.siteUrl(city.tenant, em));
    expect(inside).toMatch(/^https?:\/\/financement\.lookups\.test/);
    await new Promise((r) => setTimeout(r, 100)); // the pool's read, started beside the transaction's
    // Removed behind the app's back: what the next reads answer is the cached address.
    await t.ds.query(`DELETE FROM tenant_host WHERE tenant_id = $1`, [city.tenant.id]);
    expect(await t.app.get(TransactionRunner).run((em) => tenants.siteUrl(city.tenant, em))).toBe(inside);
    expect(await tenants.siteUrl(city.tenant)).toBe(inside);
  });
});
