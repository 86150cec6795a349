import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Tenant, TenantHost } from './tenant.entity.js';

@Injectable()
export class TenantsRepository {
  constructor(private readonly ds: DataSource) {}

  findByHost(host: string): Promise<Tenant | null> {
    return this.ds.getRepository(Tenant).createQueryBuilder('t').innerJoin(TenantHost, 'h', 'h.tenant_id = t.id').where('h.host = :host', { host }).getOne();
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return this.ds.getRepository(Tenant).findOneBy({ slug });
  }

  findById(id: string, em: EntityManager = this.ds.manager): Promise<Tenant | null> {
    return em.getRepository(Tenant).findOneBy({ id });
  }

  list(): Promise<Tenant[]> {
    return this.ds.getRepository(Tenant).find({ order: { name: 'ASC' } });
  }

  async create(em: EntityManager, data: Partial<Tenant>, hosts: string[]): Promise<Tenant> {
    const tenant = await em.getRepository(Tenant).save(em.getRepository(Tenant).create(data));
    for (const host of hosts) await em.getRepository(TenantHost).insert({ host, tenantId: tenant.id });
    return tenant;
  }

  async update(em: EntityManager, id: string, patch: Partial<Tenant>): Promise<void> {
    if (!Object.keys(patch).length) return; // an empty PATCH changes nothing
    await em.getRepository(Tenant).update({ id }, patch);
  }

  async replaceHosts(em: EntityManager, tenantId: string, hosts: string[]): Promise<void> {
    await em.getRepository(TenantHost).delete({ tenantId });
    for (const host of hosts) await em.getRepository(TenantHost).insert({ host, tenantId });
  }

  hosts(tenantId: string, em: EntityManager = this.ds.manager): Promise<TenantHost[]> {
    return em.getRepository(TenantHost).findBy({ tenantId });
  }
}
