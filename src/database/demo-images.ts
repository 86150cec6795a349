import type { INestApplication } from '@nestjs/common';
import sharp from 'sharp';
import { DataSource, type EntityManager } from 'typeorm';
import type { Localized } from '../common/i18n/localized.js';
import { COVER_RULES, LOGO_RULES, PARTNER_LOGO_RULES } from '../storage/image-rules.js';
import { ImagePipeline } from '../storage/images.js';

/**
 * The demo's pictures, drawn by code at seed time (no downloaded asset): a campaign's cover is a
 * small illustrated scene in the authority's colours (sky, hills, a sun, a pictogram of the project's
 * kind) with the title's initial; a partner's logo is its initials on a badge. Each SVG is rasterised
 * to PNG with sharp, then goes through the image pipeline like any upload (the pipeline refuses SVG).
 */

export interface DemoColours {
  primaryColor: string;
  accentColor: string;
}

const W = 1200;
const H = 675;

/** A stable number from a text, so that each campaign keeps its picture from one seed to the next. */
function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return h;
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.codePointAt(0)};`);

/** A lighter or darker shade of a #rrggbb colour (amount -1..1). */
function shade(hex: string, amount: number): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  const n = m ? parseInt(m[1], 16) : 0x1f4e9c;
  const mix = (c: number) => Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount));
  const r = mix((n >> 16) & 255);
  const g = mix((n >> 8) & 255);
  const b = mix(n & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}

/** Pictograms of the demo's kinds of project, drawn in a 200 × 200 box. */
const PICTOGRAMS: readonly string[] = [
  // a bicycle
  '<circle cx="50" cy="140" r="42" fill="none" stroke="#fff" stroke-width="12"/><circle cx="150" cy="140" r="42" fill="none" stroke="#fff" stroke-width="12"/><path d="M50 140 L85 70 L130 70 L150 140 M85 70 L110 140 L130 70 M75 55 L100 55" fill="none" stroke="#fff" stroke-width="12" stroke-linecap="round" stroke-linejoin="round"/>',
  // a leaf
  '<path d="M30 170 C30 60 110 20 180 20 C180 110 130 180 30 170 Z" fill="#fff"/><path d="M40 160 L150 50" stroke="currentColor" stroke-width="10" stroke-linecap="round"/>',
  // a house
  '<path d="M20 100 L100 30 L180 100 Z" fill="#fff"/><rect x="45" y="95" width="110" height="85" fill="#fff"/><rect x="85" y="125" width="30" height="55" fill="currentColor"/>',
  // a book
  '<path d="M100 50 C70 30 40 30 15 40 L15 170 C40 160 70 160 100 180 C130 160 160 160 185 170 L185 40 C160 30 130 30 100 50 Z" fill="#fff"/><path d="M100 50 L100 180" stroke="currentColor" stroke-width="8"/>',
  // a heart
  '<path d="M100 180 C20 120 10 80 30 50 C50 20 90 25 100 60 C110 25 150 20 170 50 C190 80 180 120 100 180 Z" fill="#fff"/>',
  // a music note
  '<path d="M70 150 L70 40 L170 20 L170 130" fill="none" stroke="#fff" stroke-width="14" stroke-linejoin="round"/><ellipse cx="50" cy="152" rx="28" ry="20" fill="#fff"/><ellipse cx="150" cy="132" rx="28" ry="20" fill="#fff"/>',
];

/** The SVG of a campaign's demo cover (1200 × 675: 16:9, the share card's width). */
export function demoCoverSvg(title: string, colours: DemoColours): string {
  const h = hash(title);
  const brand = colours.primaryColor;
  const accent = colours.accentColor;
  const sky = shade(brand, 0.82 - (h % 5) * 0.04);
  const far = shade(brand, 0.45);
  const near = shade(brand, -0.1);
  const sunX = 180 + (h % 7) * 120;
  const picto = PICTOGRAMS[h % PICTOGRAMS.length];
  const initial = escapeXml([...title.trim()][0]?.toUpperCase() ?? '★');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
  <rect width="${W}" height="${H}" fill="${sky}"/>
  <circle cx="${sunX}" cy="170" r="90" fill="${shade(accent, 0.35)}"/>
  <path d="M0 470 C200 ${380 + (h % 40)} 420 ${360 + (h % 60)} 640 420 C860 480 1020 ${380 + (h % 50)} 1200 400 L1200 675 L0 675 Z" fill="${far}"/>
  <path d="M0 560 C260 500 480 520 700 570 C900 615 1050 560 1200 540 L1200 675 L0 675 Z" fill="${near}"/>
  <circle cx="820" cy="330" r="150" fill="${accent}"/>
  <g transform="translate(720 230)" color="${accent}">${picto}</g>
  <circle cx="240" cy="520" r="86" fill="#fff"/>
  <text x="240" y="552" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-size="96" font-weight="bold" fill="${brand}">${initial}</text>
</svg>`;
}

/** The SVG of a demo partner's logo: its initials on a badge (512 × 256). */
export function demoLogoSvg(name: string, colours: DemoColours): string {
  const initials = escapeXml(
    name
      .split(/[\s'’-]+/)
      .filter((w) => w.length > 2 || /^[A-ZÉ]/.test(w))
      .slice(0, 2)
      .map((w) => [...w][0].toUpperCase())
      .join(''),
  );
  const colour = hash(name) % 2 ? colours.primaryColor : colours.accentColor;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="256" viewBox="0 0 512 256">
  <rect x="8" y="8" width="496" height="240" rx="48" fill="${colour}"/>
  <circle cx="128" cy="128" r="80" fill="#fff"/>
  <text x="128" y="156" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-size="76" font-weight="bold" fill="${colour}">${initials}</text>
  <rect x="240" y="96" width="220" height="22" rx="11" fill="#fff"/>
  <rect x="240" y="138" width="160" height="22" rx="11" fill="#fff" opacity=".7"/>
</svg>`;
}

/** The SVG of a demo authority's logo: its initials in its colour on a white badge, legible on its own header (512 × 256). */
export function demoAuthorityLogoSvg(name: string, colours: DemoColours): string {
  const initials = escapeXml(
    name
      .split(/[\s'’-]+/)
      .filter((w) => /^[A-ZÉ]/.test(w))
      .slice(0, 2)
      .map((w) => [...w][0])
      .join(''),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="256" viewBox="0 0 512 256">
  <rect x="8" y="8" width="496" height="240" rx="40" fill="#fff"/>
  <circle cx="128" cy="128" r="84" fill="${colours.primaryColor}"/>
  <text x="128" y="154" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-size="72" font-weight="bold" fill="#fff">${initials}</text>
  <path d="M250 170 L310 90 L350 140 L380 110 L450 170 Z" fill="${colours.accentColor}"/>
  <circle cx="420" cy="80" r="22" fill="${colours.primaryColor}"/>
</svg>`;
}

export async function rasterise(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
}

/** Draws, stores and sets a demo campaign's cover (in the caller's transaction), with its description. */
export async function setDemoCover(
  app: INestApplication,
  em: EntityManager,
  c: { tenantId: string; campaignId: string; title: string; uploadedBy: string; alt: Localized },
  colours: DemoColours,
): Promise<void> {
  const png = await rasterise(demoCoverSvg(c.title, colours));
  const images = app.get(ImagePipeline);
  const prepared = await images.prepare({ buffer: png, size: png.length, originalname: 'cover.png' }, COVER_RULES);
  const cover = await images.store(
    em,
    { tenantId: c.tenantId, ownerType: 'campaign', ownerId: c.campaignId, slot: 'cover', uploadedBy: c.uploadedBy },
    prepared,
  );
  await em.query(`UPDATE campaign SET cover = $1::jsonb, image_alt = $2::jsonb WHERE id = $3 AND tenant_id = $4`, [
    JSON.stringify(cover),
    JSON.stringify(c.alt),
    c.campaignId,
    c.tenantId,
  ]);
}

/** Draws, stores and sets a demo partner's logo. */
export async function setDemoLogo(
  app: INestApplication,
  em: EntityManager,
  p: { tenantId: string; partnerId: string; name: string; uploadedBy: string },
  colours: DemoColours,
): Promise<void> {
  const png = await rasterise(demoLogoSvg(p.name, colours));
  const images = app.get(ImagePipeline);
  const prepared = await images.prepare({ buffer: png, size: png.length, originalname: 'logo.png' }, PARTNER_LOGO_RULES);
  const logo = await images.store(em, { tenantId: p.tenantId, ownerType: 'partner', ownerId: p.partnerId, slot: 'logo', uploadedBy: p.uploadedBy }, prepared);
  await em.query(`UPDATE partner SET logo = $1::jsonb WHERE id = $2 AND tenant_id = $3`, [JSON.stringify(logo), p.partnerId, p.tenantId]);
}

/** The demo's description of its drawn cover, in the three demo languages. */
export function demoCoverAlt(title: Localized): Localized {
  const t = (lang: string) => title[lang] ?? title.fr ?? Object.values(title)[0] ?? '';
  return {
    fr: `Illustration du projet « ${t('fr')} » : des collines, un soleil et le pictogramme du projet.`,
    en: `Illustration of the project “${t('en')}”: hills, a sun and the project’s pictogram.`,
    nl: `Illustratie van het project ‘${t('nl')}’: heuvels, een zon en het pictogram van het project.`,
  };
}

/** Every demo campaign of a programme without a cover gets one, every partner and the authority without a logo one (idempotent). */
export async function drawDemoImages(app: INestApplication, tenant: { id: string } & DemoColours, programmeId: string, uploadedBy: string): Promise<number> {
  const ds = app.get(DataSource);
  const [authority]: Array<{ name: string }> = await ds.query(`SELECT name FROM tenant WHERE id = $1 AND logo IS NULL AND logo_url IS NULL`, [tenant.id]);
  if (authority)
    await ds.transaction(async (em) => {
      const png = await rasterise(demoAuthorityLogoSvg(authority.name, tenant));
      const images = app.get(ImagePipeline);
      const prepared = await images.prepare({ buffer: png, size: png.length, originalname: 'logo.png' }, LOGO_RULES);
      const logo = await images.store(em, { tenantId: tenant.id, ownerType: 'tenant', ownerId: tenant.id, slot: 'logo', uploadedBy }, prepared);
      await em.query(`UPDATE tenant SET logo = $1::jsonb WHERE id = $2 AND logo IS NULL`, [JSON.stringify(logo), tenant.id]);
    });
  const rows: Array<{ id: string; title: Record<string, string> }> = await ds.query(
    `SELECT id, title FROM campaign WHERE tenant_id = $1 AND programme_id = $2 AND cover IS NULL ORDER BY id`,
    [tenant.id, programmeId],
  );
  await ds.transaction(async (em) => {
    for (const r of rows) {
      const title = r.title.fr ?? Object.values(r.title)[0] ?? '';
      await setDemoCover(app, em, { tenantId: tenant.id, campaignId: r.id, title, uploadedBy, alt: demoCoverAlt(r.title) }, tenant);
    }
  });
  const partners: Array<{ id: string; name: string }> = await ds.query(
    `SELECT id, name FROM partner WHERE tenant_id = $1 AND programme_id = $2 AND logo IS NULL ORDER BY id`,
    [tenant.id, programmeId],
  );
  await ds.transaction(async (em) => {
    for (const p of partners) await setDemoLogo(app, em, { tenantId: tenant.id, partnerId: p.id, name: p.name, uploadedBy }, tenant);
  });
  return rows.length;
}
