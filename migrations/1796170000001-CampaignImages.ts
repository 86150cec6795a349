import sharp, { type Metadata } from 'sharp';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const PUBLIC_IMAGE_PURPOSE = 'public-image';
const SERVED: Record<string, { format: 'png' | 'jpeg' | 'webp'; extension: string }> = {
  'image/png': { format: 'png', extension: 'png' },
  'image/jpeg': { format: 'jpeg', extension: 'jpg' },
  'image/webp': { format: 'webp', extension: 'webp' },
};

/**
 * A campaign's cover and gallery, and a partner's uploaded logo, as StoredImage JSONB (storage/images.ts).
 * The image a campaign had (`image_file_id`, one file served by the campaign's own route) becomes its
 * cover: the same file, now served by the public image route, described with its real size. A file the
 * public route cannot serve (a GIF, or bytes kept outside PostgreSQL) is kept as a stored file of the
 * campaign; the laureate uploads a cover again.
 */
export class CampaignImages1796170000001 implements MigrationInterface {
  name = 'CampaignImages1796170000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "campaign" ADD "cover" jsonb`);
    await q.query(`ALTER TABLE "campaign" ADD "gallery" jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE "partner" ADD "logo" jsonb`);
    const rows: { campaign_id: string; file_id: string; content_type: string; data: Buffer | null }[] = await q.query(
      `SELECT c.id AS campaign_id, f.id AS file_id, f.content_type, f.data
         FROM campaign c JOIN stored_file f ON f.id = c.image_file_id AND f.tenant_id = c.tenant_id`,
    );
    for (const row of rows) {
      const served = SERVED[row.content_type];
      if (!served || !row.data) continue;
      let meta: Metadata;
      try {
        meta = await sharp(row.data).metadata();
      } catch {
        continue;
      }
      if (!meta.width || !meta.height) continue;
      const variant = {
        fileId: row.file_id,
        path: `/images/${row.file_id}.${served.extension}`,
        format: served.format,
        contentType: row.content_type,
        width: meta.width,
        height: meta.height,
        bytes: row.data.length,
      };
      await q.query(`UPDATE stored_file SET purpose = $1 WHERE id = $2`, [PUBLIC_IMAGE_PURPOSE, row.file_id]);
      await q.query(
        `UPDATE campaign SET cover = jsonb_build_object('width', $1::int, 'height', $2::int, 'variants', jsonb_build_array($3::jsonb)) WHERE id = $4`,
        [meta.width, meta.height, JSON.stringify(variant), row.campaign_id],
      );
    }
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "image_file_id"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "campaign" ADD "image_file_id" uuid`);
    // The cover's largest PNG/JPEG rendition is the image the campaign's own route served.
    await q.query(
      `UPDATE campaign c SET image_file_id = (
         SELECT (v->>'fileId')::uuid FROM jsonb_array_elements(c.cover->'variants') v
          WHERE v->>'format' <> 'webp' ORDER BY (v->>'width')::int DESC LIMIT 1)
        WHERE c.cover IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "partner" DROP COLUMN "logo"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "gallery"`);
    await q.query(`ALTER TABLE "campaign" DROP COLUMN "cover"`);
  }
}
