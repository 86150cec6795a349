import { Injectable } from '@nestjs/common';
import { HealthRepository } from './health.repository.js';

/** A health check must answer quickly even when the database hangs (a load balancer waits a few seconds). */
const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer from the database within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(private readonly repo: HealthRepository) {}

  /** For load balancers: throws when the database does not answer. */
  ping(): Promise<void> {
    return withTimeout(this.repo.ping(), CHECK_TIMEOUT_MS);
  }
}
