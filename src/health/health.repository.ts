import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The statements health checks run. */
@Injectable()
export class HealthRepository {
  constructor(private readonly ds: DataSource) {}

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }
}
