import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The few statements health checks run: a round trip, and which migrations the database has. */
@Injectable()
export class HealthRepository {
  constructor(private readonly ds: DataSource) {}

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }

  /** Names of the migrations recorded as applied; none when the table does not exist yet. */
  async appliedMigrations(): Promise<string[]> {
    const table = this.ds.options.migrationsTableName ?? 'migrations';
    const [{ exists }] = await this.ds.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table]);
    if (!exists) return [];
    const rows: Array<{ name: string }> = await this.ds.query(`SELECT name FROM "${table}" ORDER BY id`);
    return rows.map((r) => r.name);
  }

  /** The migrations this code ships, by the names TypeORM records. */
  shippedMigrations(): string[] {
    return this.ds.migrations.map((m) => m.name ?? m.constructor.name);
  }
}
