import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { LaureateNeeds, Matching, Partner, PartnerContact, PartnerMatch } from './partner.entity.js';

const UUID = /^[0-9a-f-]{36}$/i;

/** Every query of the partners module; each takes the tenant id, so another tenant's ids find nothing. */
@Injectable()
export class PartnersRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  // ---- partners and their contacts ----------------------------------------------------------------

  partners(em: EntityManager, tenantId: string, programmeId: string): Promise<Partner[]> {
    return em.getRepository(Partner).find({ where: { tenantId, programmeId }, order: { name: 'ASC', id: 'ASC' } });
  }

  async partner(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<Partner | null> {
    return UUID.test(id) ? em.getRepository(Partner).findOneBy({ tenantId, programmeId, id }) : null;
  }

  /** A new partner row (not yet stored), with its defaults. */
  newPartner(em: EntityManager, data: Partial<Partner>): Partner {
    return em.getRepository(Partner).create(data);
  }

  async insertPartner(em: EntityManager, partner: Partner): Promise<void> {
    await em.getRepository(Partner).insert(partner);
  }

  async updatePartner(em: EntityManager, id: string, patch: Partial<Partner>): Promise<void> {
    await em.getRepository(Partner).update({ id }, patch as never);
  }

  /** The contact rows of these partners (who is a contact of which partner). */
  contactsOf(em: EntityManager, tenantId: string, partnerIds: readonly string[]): Promise<PartnerContact[]> {
    if (!partnerIds.length) return Promise.resolve([]);
    return em.getRepository(PartnerContact).findBy({ tenantId, partnerId: In([...partnerIds]) });
  }

  async addContact(em: EntityManager, tenantId: string, partnerId: string, userId: string): Promise<void> {
    await em.query(`INSERT INTO partner_contact (tenant_id, partner_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [tenantId, partnerId, userId]);
  }

  /** The partner of the programme the person is a contact of (the first by name if several), or null. */
  async partnerOfContact(em: EntityManager, tenantId: string, programmeId: string, userId: string): Promise<Partner | null> {
    const contacts = await em.getRepository(PartnerContact).findBy({ tenantId, userId });
    return contacts.length
      ? em.getRepository(Partner).findOne({ where: { tenantId, programmeId, id: In(contacts.map((c) => c.partnerId)) }, order: { name: 'ASC' } })
      : null;
  }

  // ---- laureates' needs and confirmed sponsorships ------------------------------------------------

  needsOf(em: EntityManager, tenantId: string, applicationId: string): Promise<LaureateNeeds | null> {
    return em.getRepository(LaureateNeeds).findOneBy({ tenantId, applicationId });
  }

  allNeeds(em: EntityManager, tenantId: string, programmeId: string): Promise<LaureateNeeds[]> {
    return em.getRepository(LaureateNeeds).findBy({ tenantId, programmeId });
  }

  async saveNeeds(em: EntityManager, tenantId: string, programmeId: string, applicationId: string, needs: string[], preferences: string[]): Promise<void> {
    await em.query(
      `INSERT INTO laureate_needs (tenant_id, programme_id, application_id, needs, preferences) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (application_id) DO UPDATE SET needs = EXCLUDED.needs, preferences = EXCLUDED.preferences, updated_at = now()`,
      [tenantId, programmeId, applicationId, JSON.stringify(needs), JSON.stringify(preferences)],
    );
  }

  matches(em: EntityManager, tenantId: string, programmeId: string, of: { partnerId: string } | { applicationId: string }): Promise<PartnerMatch[]> {
    return em.getRepository(PartnerMatch).find({ where: { tenantId, programmeId, ...of } });
  }

  async insertMatch(
    em: EntityManager,
    row: {
      tenantId: string;
      programmeId: string;
      partnerId: string;
      applicationId: string;
      score: number;
      terms: unknown;
      locked: boolean;
      confirmedAt: Date;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO partner_match (tenant_id, programme_id, partner_id, application_id, score, terms, locked, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.tenantId, row.programmeId, row.partnerId, row.applicationId, row.score, JSON.stringify(row.terms), row.locked, row.confirmedAt],
    );
  }

  // ---- the matching -------------------------------------------------------------------------------

  matching(em: EntityManager, tenantId: string, programmeId: string): Promise<Matching | null> {
    return em.getRepository(Matching).findOneBy({ tenantId, programmeId });
  }

  /** A matching not yet stored, as a programme has before its first save or run. */
  newMatching(em: EntityManager, tenantId: string, programmeId: string): Matching {
    return em.getRepository(Matching).create({
      tenantId,
      programmeId,
      weights: null,
      overlap: 'jaccard',
      sponsorsPerLaureate: 1,
      locked: [],
      forbidden: [],
      result: null,
      inputHash: null,
      runAt: null,
      status: 'draft',
      confirmedAt: null,
      confirmedBy: null,
    });
  }

  /** The matching row, created on first use (concurrent first uses end with one row), and locked. */
  async lockMatching(em: EntityManager, tenantId: string, programmeId: string): Promise<Matching> {
    await em.query(`INSERT INTO matching (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT (tenant_id, programme_id) DO NOTHING`, [tenantId, programmeId]);
    return (await em
      .getRepository(Matching)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.programme_id = :programmeId', { tenantId, programmeId })
      .setLock('pessimistic_write')
      .getOne())!;
  }

  async updateMatching(em: EntityManager, id: string, patch: Partial<Matching>): Promise<void> {
    await em.getRepository(Matching).update({ id }, patch as never);
  }
}
