import { randomBytes, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { AuthService } from '../../src/auth/auth.service.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import type { StoredImage } from '../../src/storage/image-rules.js';
import { Tenant } from '../../src/tenants/tenant.entity.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { createPerson, createTenant } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** A PNG whose header claims `width` × `height` (a "decompression bomb": a few bytes for billions of pixels). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .png()
      .toBuffer(),
  );
  // IHDR: length (4) "IHDR" (4) width (4) height (4) … CRC over type and data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

/** Staff change the logo on the branding page: checked by content, resized, served for a year, shown in the header and e-mails. */
describe('branding: the logo and the previews', () => {
  let t: TestApp;
  let city: TestTenant;
  let browser: ReturnType<TestApp['http']>;
  let smtp: TestSmtpServer;

  const tenantRow = async () => (await t.ds.getRepository(Tenant).findOneBy({ id: city.tenant.id }))!;
  const upload = async (bytes: Buffer, name: string) => {
    const page = await openPage(browser, city.host, '/staff/branding');
    // As the browser sends the form: the token is a field of the multipart body, never in the address.
    expect(page.html).not.toContain('_csrf=');
    return browser.post('/staff/branding/logo').set('Host', city.host).field('_csrf', page.csrf).attach('logo', bytes, name);
  };

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    city = await createTenant(t);
    await t.app.get(TenantsService).updateBranding(city.tenant, { name: 'Ville de Lumière', primaryColor: '#7a1f5c' }, randomUUID());
    const staff = await createPerson(t, city, 'staff', { email: 'agent@lumiere.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'agent@lumiere.test', password: 'a long enough password' })
      .expect(303);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('stores a PNG as WebP and PNG renditions, never enlarged, served for a year and shown in the header with its size', async () => {
    const png = await sharp({ create: { width: 1200, height: 300, channels: 4, background: { r: 20, g: 60, b: 160, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const res = await upload(png, 'logo.png');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/branding?saved=logo');
    const notice = await openPage(browser, city.host, res.headers.location);
    expect(notice.html).toContain('Le logo est enregistré.');

    const logo = (await tenantRow()).logo as StoredImage;
    expect({ width: logo.width, height: logo.height }).toEqual({ width: 1200, height: 300 });
    expect(logo.variants.map((v) => `${v.format} ${v.width}x${v.height}`).sort()).toEqual(
      ['png 128x32', 'png 256x64', 'png 512x128', 'webp 128x32', 'webp 256x64', 'webp 512x128'].sort(),
    );
    for (const v of logo.variants) {
      const file = await t.http().get(v.path).set('Host', city.host).buffer(true).expect(200);
      expect(file.headers['content-type']).toBe(v.contentType);
      expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      // Webmail and the sandboxed preview (another origin) may show it.
      expect(file.headers['cross-origin-resource-policy']).toBe('cross-origin');
      const meta = await sharp(file.body as Buffer).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: v.format, width: v.width, height: v.height });
      expect(meta.hasAlpha).toBe(true);
    }
    // The same name under another authority, or with another type's extension, is not found.
    const other = await createTenant(t);
    const webp = logo.variants.find((v) => v.format === 'webp')!;
    await t.http().get(webp.path).set('Host', other.host).expect(404);
    await t.http().get(webp.path.replace('.webp', '.png')).set('Host', city.host).expect(404);

    // The header: a <picture> at 40 px high, its width from the logo's proportions, named by the authority.
    const home = await openPage(t.http(), city.host, '/');
    expect(home.html).toMatch(
      /<source type="image\/webp" srcset="\/images\/[0-9a-f-]+\.webp 128w, \/images\/[0-9a-f-]+\.webp 256w, \/images\/[0-9a-f-]+\.webp 512w" sizes="160px">/,
    );
    expect(home.html).toMatch(
      /<img src="\/images\/[0-9a-f-]+\.png" srcset="[^"]+ 128w, [^"]+ 256w, [^"]+ 512w" sizes="160px" alt="Ville de Lumière" class="brand-logo" width="160" height="40">/,
    );
    // The share card takes the largest PNG, by its absolute address.
    const site = await t.app.get(TenantsService).siteUrl(city.tenant);
    const largest = logo.variants.find((v) => v.format === 'png' && v.width === 512)!;
    if (home.html.includes('og:image')) expect(home.html).toContain(`content="${site}${largest.path}"`);
  });

  it('turns a JPEG photo upright, drops its metadata, keeps it as JPEG beside WebP, and never enlarges it', async () => {
    // 400 × 300 stored sideways (EXIF orientation 6: upright it is 300 × 400), with a camera's metadata.
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c04020' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Make: 'PhoneMaker', Model: 'Secret Model 9' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    expect(jpeg.includes(Buffer.from('Secret Model 9'))).toBe(true);
    expect((await upload(jpeg, 'photo.jpeg')).status).toBe(303);
    const logo = (await tenantRow()).logo as StoredImage;
    expect({ width: logo.width, height: logo.height }).toEqual({ width: 300, height: 400 });
    expect(logo.variants.map((v) => `${v.format} ${v.width}x${v.height}`).sort()).toEqual(
      ['jpeg 128x171', 'jpeg 256x341', 'jpeg 300x400', 'webp 128x171', 'webp 256x341', 'webp 300x400'].sort(),
    );
    const big = logo.variants.find((v) => v.format === 'jpeg' && v.width === 300)!;
    expect(big.path).toMatch(/\.jpg$/);
    const file = await t.http().get(big.path).set('Host', city.host).buffer(true).expect(200);
    const meta = await sharp(file.body as Buffer).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect((file.body as Buffer).includes(Buffer.from('Secret Model 9'))).toBe(false);
    // At 40 px high, a 3:4 logo is 30 px wide.
    const home = await openPage(t.http(), city.host, '/');
    expect(home.html).toMatch(/alt="Ville de Lumière" class="brand-logo" width="30" height="40"/);
  });

  it('refuses a text file named .png, an SVG, a file over the limit and a picture of absurd size, on the logo field', async () => {
    const before = (await tenantRow()).logo;
    const cases: Array<[Buffer, string, string]> = [
      [Buffer.from('this is only text, whatever its name says'), 'logo.png', 'Logo : doit être une image PNG, JPEG, GIF ou WebP.'],
      [
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>'),
        'logo.svg',
        'Logo : doit être une image PNG, JPEG, GIF ou WebP.',
      ],
      [
        await sharp(randomBytes(1000 * 800 * 3), { raw: { width: 1000, height: 800, channels: 3 } })
          .png({ compressionLevel: 0 })
          .toBuffer(),
        'noise.png',
        'Logo : le fichier dépasse 2 Mo ; envoyez une image plus légère.',
      ],
      [await pngClaiming(20000, 20000), 'bomb.png', "Logo : l'image est trop grande ; elle doit mesurer au plus 6\u202f000 pixels de côté."],
    ];
    for (const [bytes, name, message] of cases) {
      const res = await upload(bytes, name);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.text).toContain('href="#field-logo"');
      expect(res.text).toContain(message.replace(/'/g, '&#x27;'));
      expect(res.text).toMatch(/id="field-logo"[^>]*aria-invalid="true"/);
    }
    // Nothing was stored: the logo is the one before.
    expect((await tenantRow()).logo).toEqual(before);
    // No file at all.
    const page = await openPage(browser, city.host, '/staff/branding');
    const none = await browser.post('/staff/branding/logo').set('Host', city.host).field('_csrf', page.csrf).field('x', '1');
    expect(none.status).toBe(400);
    expect(none.text).toContain('Logo : joignez une image');
    // A body without the token, or with another one, is refused before anything is read.
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    for (const token of [undefined, 'forged']) {
      const req = browser.post('/staff/branding/logo').set('Host', city.host);
      const refused = await (token ? req.field('_csrf', token) : req).attach('logo', png, 'x.png');
      expect(refused.status).toBe(403);
    }
    expect((await tenantRow()).logo).toEqual(before);
  });

  it('serves only files stored as public images', async () => {
    const stored = await t.ds.transaction((em) =>
      t.app.get(FileStorage).put(em, {
        tenantId: city.tenant.id,
        ownerType: 'application',
        ownerId: randomUUID(),
        purpose: 'question:cv',
        filename: 'cv.png',
        contentType: 'image/png',
        uploadedBy: randomUUID(),
        bytes: Buffer.from('private'),
      }),
    );
    await t.http().get(`/images/${stored.id}.png`).set('Host', city.host).expect(404);
    await t.http().get('/images/not-a-name.png').set('Host', city.host).expect(404);
  });

  it('previews a sign-in e-mail with the branding and links the public home page', async () => {
    const page = await openPage(browser, city.host, '/staff/branding');
    expect(page.html).toMatch(/<iframe class="email-preview" src="\/staff\/branding\/email-preview" title="Exemple d&#x27;e-mail de connexion" sandbox>/);
    expect(page.html).toContain('<a href="/">Voir la page d&#x27;accueil publique</a>');
    // The current logo is shown on the page, with the form to replace it and the one to remove it.
    expect(page.html).toMatch(/alt="Logo actuel de Ville de Lumière"/);
    expect(page.html).toContain('action="/staff/branding/logo/remove"');

    const mail = await browser.get('/staff/branding/email-preview').set('Host', city.host).expect(200);
    expect(mail.headers['content-type']).toMatch(/^text\/html/);
    expect(mail.headers['content-security-policy']).toContain("default-src 'none'");
    expect(mail.text).toContain('Ville de Lumière');
    expect(mail.text).toContain('background:#7a1f5c');
    expect(mail.text).toContain('Camille Exemple');
    // The logo by its absolute address, built from configuration (the registered host), as PNG/JPEG.
    const site = await t.app.get(TenantsService).siteUrl(city.tenant);
    expect(mail.text).toMatch(new RegExp(`<img src="${site.replace(/[.]/g, '\\.')}/images/[0-9a-f-]+\\.jpg" width="\\d+" height="\\d+"`));
    const en = await browser.get('/staff/branding/email-preview?lang=en').set('Host', city.host).expect(200);
    expect(en.text).toContain('Sam Example');

    // A real e-mail, sent by the outbox, shows the logo by the same absolute address.
    const fresh = (await tenantRow())!;
    await t.app.get(AuthService).requestSignInLink('agent@lumiere.test', { tenant: fresh, ip: '203.0.113.7', locale: 'fr', baseUrl: site });
    expect(await t.sendMail()).toBe(1);
    const sent = smtp.to('agent@lumiere.test')[0];
    expect(sent.html).toMatch(new RegExp(`<img src="${site.replace(/[.]/g, '\\.')}/images/[0-9a-f-]+\\.jpg" width="36" height="48" alt=""`));
    expect(sent.text).not.toContain('/images/');
  });

  it('removes the logo', async () => {
    const page = await openPage(browser, city.host, '/staff/branding');
    const res = await browser.post('/staff/branding/logo/remove').set('Host', city.host).type('form').send({ _csrf: page.csrf }).expect(303);
    expect(res.headers.location).toBe('/staff/branding?saved=logo-removed');
    expect((await tenantRow()).logo).toBeNull();
    const home = await openPage(t.http(), city.host, '/');
    expect(home.html).not.toContain('<picture>');
    expect(home.html).not.toContain('class="brand-logo"');
    const after = await openPage(browser, city.host, '/staff/branding');
    expect(after.html).not.toContain('action="/staff/branding/logo/remove"');
  });

  it('lets only staff upload', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } })
      .png()
      .toBuffer();
    const citizen = await createPerson(t, city, null);
    const applicant = await t.http().post('/staff/branding/logo').set('Host', city.host).set(citizen.headers).attach('logo', png, 'x.png');
    expect(applicant.status).toBe(403);
    const anonymous = await t.http().post('/staff/branding/logo').set('Host', city.host).set('Accept', 'application/json').attach('logo', png, 'x.png');
    expect([401, 403]).toContain(anonymous.status);
    await t.http().get('/staff/branding/email-preview').set('Host', city.host).set(citizen.headers).expect(403);
    expect((await tenantRow()).logo).toBeNull();
  });
});
