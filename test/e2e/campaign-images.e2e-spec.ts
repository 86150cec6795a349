import sharp from 'sharp';
import { CampaignImages1796170000001 } from '../../migrations/1796170000001-CampaignImages.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { PartnersService } from '../../src/partners/partners.service.js';
import { PublicPagesService } from '../../src/public/public-pages.service.js';
import type { StoredImage } from '../../src/storage/image-rules.js';
import { writeAndApprove } from '../factories/campaigns.js';
import { createLaureates } from '../factories/coaching.js';
import { createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** A campaign's cover and gallery, uploaded by its laureate with descriptions; partners' logos; shown once public. */
describe('campaign images and partner logos', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  async function signIn(email: string, userId: string) {
    await t.app.get(AuthService).setPassword(city.tenant.id, userId, 'a long enough password');
    const browser = t.http();
    const page = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, email, password: 'a long enough password' })
      .expect(303);
    return browser;
  }
  const picture = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } });

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'agent-images@city.test' });
  });
  afterAll(() => t.close());

  it('takes a cover and gallery pictures with their descriptions, refuses them without one or when not an image, and shows them only once public', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'communication', slug: 'images-prog' });
    const [ana] = await createLaureates(t, city, staff, programme.id, 1, { prefix: 'img' });
    const c = await writeAndApprove(t, staff, programme.id, ana, { approve: false });
    const laureate = await signIn(ana.email, ana.userId);
    const edit = await openPage(laureate, city.host, `/campaigns/${c.id}/edit?lang=en`);
    expect(edit.html).toContain('id="field-cover"');
    expect(edit.html).toContain('id="field-galleryImage"');
    const coverPath = `/campaigns/${c.id}/image?_csrf=${encodeURIComponent(edit.csrf)}`;
    const jpeg = await picture(2000, 1500, '#336699').jpeg().toBuffer();

    const noAlt = await laureate.post(coverPath).set('Host', city.host).attach('cover', jpeg, 'cover.jpg');
    expect(noAlt.status).toBe(400);
    expect(noAlt.text).toContain('href="#field-imageAlt"');
    const notImage = await laureate
      .post(coverPath)
      .set('Host', city.host)
      .field('imageAlt.fr', 'Des vélos')
      .attach('cover', Buffer.from('%PDF-1.4 not a picture'), 'cover.jpg');
    expect(notImage.status).toBe(400);
    expect(notImage.text).toContain('href="#field-cover"');
    await laureate
      .post(coverPath)
      .set('Host', city.host)
      .field('imageAlt.fr', 'Des vélos réparés devant l’atelier')
      .field('imageAlt.en', 'Repaired bikes in front of the workshop')
      .attach('cover', jpeg, 'cover.jpg')
      .expect(303);
    const row = async () =>
      (await t.ds.query(`SELECT cover, gallery, image_alt, status FROM campaign WHERE id = $1`, [c.id]))[0] as {
        cover: StoredImage;
        gallery: Array<{ id: string; alt: Record<string, string>; image: StoredImage }>;
        status: string;
      };
    const stored = await row();
    // Cropped to 16:9, written at four widths in WebP and JPEG (a photograph), never enlarged.
    expect({ width: stored.cover.width, height: stored.cover.height }).toEqual({ width: 2000, height: 1125 });
    expect(stored.cover.variants.map((v) => `${v.format} ${v.width}x${v.height}`)).toEqual([
      'webp 400x225',
      'jpeg 400x225',
      'webp 800x450',
      'jpeg 800x450',
      'webp 1200x675',
      'jpeg 1200x675',
      'webp 1600x900',
      'jpeg 1600x900',
    ]);
    expect(stored.status).toBe('in_review');
    // Without a new file, the form saves the description alone; an empty one is refused.
    const typoed = await laureate.post(coverPath).set('Host', city.host).field('hasCover', 'yes').field('imageAlt.fr', '');
    expect(typoed.status).toBe(400);
    expect(typoed.text).toContain('href="#field-imageAlt"');
    await laureate
      .post(coverPath)
      .set('Host', city.host)
      .field('hasCover', 'yes')
      .field('imageAlt.fr', 'Des vélos réparés devant l’atelier')
      .field('imageAlt.en', 'Repaired bikes in front of the workshop')
      .expect(303);
    expect((await row()).cover).toEqual(stored.cover);

    // The gallery: a description is required, pictures only; kept in order, reordered, removed.
    const galleryPath = `/campaigns/${c.id}/gallery?_csrf=${encodeURIComponent(edit.csrf)}`;
    const png = await picture(600, 800, '#aa3355').png().toBuffer();
    const galleryNoAlt = await laureate.post(galleryPath).set('Host', city.host).attach('galleryImage', png, 'one.png');
    expect(galleryNoAlt.status).toBe(400);
    expect(galleryNoAlt.text).toContain('href="#field-galleryAlt"');
    const galleryNotImage = await laureate
      .post(galleryPath)
      .set('Host', city.host)
      .field('galleryAlt.fr', 'Un texte')
      .attach('galleryImage', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg');
    expect(galleryNotImage.status).toBe(400);
    expect(galleryNotImage.text).toContain('href="#field-galleryImage"');
    for (const alt of ['Premier atelier', 'Deuxième atelier', 'Troisième atelier']) {
      await laureate.post(galleryPath).set('Host', city.host).field('galleryAlt.fr', alt).attach('galleryImage', png, 'one.png').expect(303);
    }
    let gallery = (await row()).gallery;
    expect(gallery.map((g) => g.alt.fr)).toEqual(['Premier atelier', 'Deuxième atelier', 'Troisième atelier']);
    expect(gallery[0].image.variants.map((v) => `${v.format} ${v.width}x${v.height}`)).toEqual(['webp 400x533', 'png 400x533', 'webp 600x800', 'png 600x800']);
    await laureate
      .post(`/campaigns/${c.id}/gallery/${gallery[1].id}/move`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: edit.csrf, direction: 'up' })
      .expect(303);
    await laureate.post(`/campaigns/${c.id}/gallery/${gallery[2].id}/remove`).set('Host', city.host).type('form').send({ _csrf: edit.csrf }).expect(303);
    gallery = (await row()).gallery;
    expect(gallery.map((g) => g.alt.fr)).toEqual(['Deuxième atelier', 'Premier atelier']);
    const editor = (await openPage(laureate, city.host, `/campaigns/${c.id}/edit?lang=en`)).html;
    expect(editor).toMatch(
      /<img class="campaign-image campaign-image-small" src="\/images\/[0-9a-f-]+\.jpg" [^>]*alt="Repaired bikes in front of the workshop">/,
    );
    expect(editor).toContain('Move image 2 earlier');

    // Not public yet: no public page, so no picture is shown to citizens.
    const publicPath = `/programmes/images-prog/campaigns/${c.slug}`;
    expect((await t.http().get(publicPath).set('Host', city.host)).status).toBe(404);
    expect((await t.http().get('/programmes/images-prog').set('Host', city.host)).text).not.toContain('/images/');

    await t.http().post(`/api/programmes/${programme.id}/campaigns/${c.id}/review`).set(staff.headers).send({ decision: 'approve' }).expect(200);
    const page = await openPage(t.http(), city.host, `${publicPath}?lang=en`);
    expect(page.status).toBe(200);
    const cover = page.html.match(/<picture class="campaign-cover">.*?<\/picture>/s)?.[0] ?? '';
    expect(cover).toMatch(
      /<source type="image\/webp" srcset="\/images\/[0-9a-f-]+\.webp 400w, \/images\/[0-9a-f-]+\.webp 800w, \/images\/[0-9a-f-]+\.webp 1200w, \/images\/[0-9a-f-]+\.webp 1600w" sizes="[^"]+">/,
    );
    expect(cover).toMatch(
      /<img class="campaign-image" src="\/images\/[0-9a-f-]+\.jpg" srcset="[^"]+ 400w, [^"]+ 1600w" sizes="[^"]+" width="1600" height="900" alt="Repaired bikes in front of the workshop" fetchpriority="high">/,
    );
    expect(cover).not.toContain('loading="lazy"');
    const galleryHtml = page.html.match(/<ul class="campaign-gallery">.*?<\/ul>/s)?.[0] ?? '';
    expect(galleryHtml.match(/<img [^>]+>/g)).toHaveLength(2);
    expect(galleryHtml).toMatch(/width="450" height="600" alt="Deuxième atelier" lang="fr" loading="lazy"/);
    expect(page.html).not.toContain('data:image');
    expect(Buffer.byteLength(page.html)).toBeLessThan(40_000); // pictures add markup, never bytes: no inline images
    // The share card: the cover's 1200 px JPEG with its size and description.
    const share1200 = stored.cover.variants.find((v) => v.format === 'jpeg' && v.width === 1200)!;
    expect(page.html).toContain(`<meta property="og:image" content="http://${city.host}${share1200.path}">`);
    expect(page.html).toMatch(
      /<meta property="og:image:width" content="1200">\s*<meta property="og:image:height" content="675">\s*<meta property="og:image:alt" content="Repaired bikes in front of the workshop">/,
    );
    expect(page.html).toContain(`<meta name="twitter:image" content="http://${city.host}${share1200.path}">`);
    const served = await t.http().get(share1200.path).set('Host', city.host).expect(200);
    expect(served.headers['content-type']).toBe('image/jpeg');

    // The programme page's card shows the cover, lazily, at the card's width.
    t.app.get(PublicPagesService).invalidate(city.tenant.id); // the programme page's read model is kept a few seconds
    const prog = await openPage(t.http(), city.host, '/programmes/images-prog?lang=en');
    const card = prog.html.match(/<li class="card campaign-card">.*?<\/li>/s)?.[0] ?? '';
    expect(card).toMatch(
      /<div class="campaign-card-image"><picture><source type="image\/webp" srcset="[^"]+ 400w, [^"]+ 1600w" sizes="[^"]+"><img src="\/images\/[0-9a-f-]+\.jpg" srcset="[^"]+" sizes="[^"]+" width="800" height="450" alt="Repaired bikes in front of the workshop" loading="lazy"/,
    );
    expect(card).toContain(`href="/programmes/images-prog/campaigns/${c.slug}"`);
    expect(card).toContain('Goal: €1,000'); // before the window: the goal, no progress yet
  });

  it('gives partners an uploaded logo on the staff matching page, shown on the programme and campaign pages; the logo address keeps working', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'communication', slug: 'logos-prog' });
    const [ana] = await createLaureates(t, city, staff, programme.id, 1, { prefix: 'logo' });
    const c = await writeAndApprove(t, staff, programme.id, ana);
    const partners = t.app.get(PartnersService);
    const fablab = await partners.create(city.tenant, programme.id, { name: 'Fablab du Port', description: { fr: 'Machines.' }, capacity: 2 }, staff.userId);
    await partners.create(
      city.tenant,
      programme.id,
      { name: 'Atelier Lien', description: { fr: 'Liens.' }, logoUrl: 'https://cdn.example.org/lien.png', capacity: 2 },
      staff.userId,
    );
    await t.ds.query(`INSERT INTO partner_match (tenant_id, programme_id, partner_id, application_id, score, confirmed_at) VALUES ($1, $2, $3, $4, 1, now())`, [
      city.tenant.id,
      programme.id,
      fablab.id,
      ana.applicationId,
    ]);

    const browser = await signIn('agent-images@city.test', staff.userId);
    const matching = await openPage(browser, city.host, `/staff/programmes/${programme.id}/matching?lang=en`);
    expect(matching.html).toContain('id="field-logo"');
    const logoPath = `/staff/programmes/${programme.id}/partners/logo?_csrf=${encodeURIComponent(matching.csrf)}`;
    const bad = await browser.post(logoPath).set('Host', city.host).field('partnerId', fablab.id).attach('logo', Buffer.from('GIF89a nothing'), 'logo.gif');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#field-logo"');
    const logo = await sharp({ create: { width: 600, height: 300, channels: 4, background: { r: 20, g: 90, b: 160, alpha: 1 } } })
      .png()
      .toBuffer();
    await browser.post(logoPath).set('Host', city.host).field('partnerId', fablab.id).attach('logo', logo, 'logo.png').expect(303);
    const [row] = await t.ds.query(`SELECT logo, logo_url FROM partner WHERE id = $1`, [fablab.id]);
    expect((row.logo as StoredImage).variants.map((v) => `${v.format} ${v.width}`)).toEqual([
      'webp 128',
      'png 128',
      'webp 256',
      'png 256',
      'webp 512',
      'png 512',
    ]);

    const prog = (await openPage(t.http(), city.host, '/programmes/logos-prog')).html;
    expect(prog).toMatch(
      /<img class="partner-logo" src="\/images\/[0-9a-f-]+\.png" srcset="[^"]+ 128w, [^"]+ 256w, [^"]+ 512w" sizes="160px" width="160" height="80" alt="Logo de Fablab du Port" loading="lazy"/,
    );
    expect(prog).toContain('<img class="partner-logo" src="https://cdn.example.org/lien.png" alt="Logo de Atelier Lien"');
    const campaignPage = (await openPage(t.http(), city.host, `/programmes/logos-prog/campaigns/${c.slug}`)).html;
    expect(campaignPage).toMatch(/<img class="partner-logo" src="\/images\/[0-9a-f-]+\.png"[^>]+alt="Logo de Fablab du Port"/);
    expect(campaignPage).not.toContain('lien.png'); // not a sponsor of this campaign

    // The API keeps its logo address.
    const api = await t.http().get(`/api/programmes/${programme.id}/partners`).set(staff.headers).expect(200);
    const listed = (api.body as Array<{ name: string; logoUrl: string | null }>).find((p) => p.name === 'Atelier Lien');
    expect(listed?.logoUrl).toBe('https://cdn.example.org/lien.png');
  });
});

describe('the CampaignImages migration', () => {
  it("moves a campaign's former image (one stored file) to its cover, served by the public image route, and back", async () => {
    const t = await startTestApp();
    try {
      t.clock.set('2026-09-01T08:00:00Z');
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff');
      const programme = await createProgramme(t, city, staff, { phase: 'communication', slug: 'legacy-prog' });
      const [ana] = await createLaureates(t, city, staff, programme.id, 2, { prefix: 'legacy' });
      const c = await writeAndApprove(t, staff, programme.id, ana);
      const runner = t.ds.createQueryRunner();
      const migration = new CampaignImages1796170000001();
      try {
        await migration.down(runner);
        // As before: the image was one file of purpose 'image', named by the campaign's image_file_id.
        const png = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#228844' } })
          .png()
          .toBuffer();
        const [file] = await t.ds.query(
          `INSERT INTO stored_file (tenant_id, owner_type, owner_id, purpose, filename, content_type, size_bytes, sha256, data, uploaded_by)
           VALUES ($1, 'campaign', $2, 'image', 'campaign.png', 'image/png', $3, 'x', $4, $5) RETURNING id`,
          [city.tenant.id, c.id, png.length, png, ana.userId],
        );
        await t.ds.query(`UPDATE campaign SET image_file_id = $1, image_alt = '{"fr": "Un jardin"}' WHERE id = $2`, [file.id, c.id]);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const [row] = await t.ds.query(`SELECT cover, gallery, image_alt FROM campaign WHERE id = $1`, [c.id]);
      expect(row.cover).toEqual({
        width: 640,
        height: 360,
        variants: [expect.objectContaining({ path: expect.stringMatching(/^\/images\/[0-9a-f-]+\.png$/), format: 'png', width: 640, height: 360 })],
      });
      expect(row.gallery).toEqual([]);
      expect(row.image_alt).toEqual({ fr: 'Un jardin' });
      await t.http().get(row.cover.variants[0].path).set('Host', city.host).expect(200).expect('Content-Type', 'image/png');
      const page = await openPage(t.http(), city.host, `/programmes/legacy-prog/campaigns/${c.slug}`);
      expect(page.html).toMatch(
        /<img class="campaign-image" src="\/images\/[0-9a-f-]+\.png" srcset="[^"]+ 640w" sizes="[^"]+" width="640" height="360" alt="Un jardin"/,
      );
    } finally {
      await t.close();
    }
  });
});
