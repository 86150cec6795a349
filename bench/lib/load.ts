import autocannon from 'autocannon';
import { cpuMeter } from './cpu.js';

export type Floor = 'hello' | 'query' | 'insert' | 'contribution';

export interface Measure {
  name: string;
  section: string;
  floor?: Floor;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  /** Mean latency, ms. */
  mean: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** This process's (the load generator's) CPU while it ran, in % of one core. */
  loadCpuPercent: number;
  /** CPU the server under load (the app or the floor) used per request, ms (from /proc). */
  serverCpuMs?: number;
  /** CPU PostgreSQL (all its processes) used per request, ms. */
  databaseCpuMs?: number;
  /** The floor measured around this endpoint (mean of the measurements before and after it). */
  floorRps?: number;
  floorP99?: number;
  ratioToFloor?: number;
}

export interface RequestShape {
  path: string;
  headers: Record<string, string>;
  body?: string;
  method?: 'GET' | 'PATCH' | 'POST';
}

export interface LoadOptions {
  method?: 'GET' | 'PATCH' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  floor?: Floor;
  /** Rotated through, one per request (e.g. one draft per applicant). */
  requests?: RequestShape[];
  /** Made afresh for each request (e.g. a new Idempotency-Key). */
  each?: () => RequestShape;
  connections?: number;
  /** Seconds instead of the bench's duration (a warm-up). */
  seconds?: number;
  /** A fixed number of requests instead of a duration (slow endpoints), each given `timeout` seconds. */
  amount?: number;
  timeout?: number;
  /** Printed or not (the parts of a mixed run are printed by the caller). */
  quiet?: boolean;
  /** Another load runs at the same time on the same server: its CPU cannot be told apart per request. */
  concurrent?: boolean;
}

export const settings = {
  duration: Number(process.env.BENCH_SECONDS ?? 6),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  section: 'floors',
  /** The process behind each port under load (the app, each floor), for its CPU per request. */
  servers: new Map<number, number>(),
};

export function printMeasure(m: Measure, timeout?: number): void {
  const c = m.connections !== settings.connections ? `  (${m.connections} connection${m.connections > 1 ? 's' : ''})` : '';
  const bad = m.non2xx ? `  (${m.non2xx} non-2xx)` : '';
  const late = m.timeouts ? `  (${m.timeouts} timed out after ${timeout} s)` : m.errors ? `  (${m.errors} errors)` : '';
  console.log(
    `  ${m.name.padEnd(74)} ${String(m.rps).padStart(8)} req/s  p50 ${String(m.p50).padStart(5)} ms  p99 ${String(m.p99).padStart(5)} ms  cpu ${String(m.loadCpuPercent).padStart(3)}%${m.serverCpuMs !== undefined ? `  server ${m.serverCpuMs} ms` : ''}${m.databaseCpuMs ? `  db ${m.databaseCpuMs} ms` : ''}${c}${bad}${late}`,
  );
}

/** One autocannon run against `url`; the load generator's own CPU is measured with it. */
export async function load(name: string, url: string, opts: LoadOptions = {}): Promise<Measure> {
  const method = opts.method ?? 'GET';
  const rotated = opts.requests?.map((r) => ({ method, ...r }));
  const setupRequest = rotated
    ? (req: Record<string, unknown>, ctx: Record<string, unknown>) => {
        const i = ((ctx.i as number | undefined) ?? Math.floor(Math.random() * rotated.length)) % rotated.length;
        ctx.i = i + 1;
        return { ...req, ...rotated[i] };
      }
    : opts.each
      ? (req: Record<string, unknown>) => ({ ...req, method, ...opts.each!() })
      : undefined;
  const connections = opts.connections ?? settings.connections;
  const meter = cpuMeter(settings.servers.get(Number(new URL(url).port)));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await autocannon({
    url,
    connections,
    method,
    headers: opts.headers,
    body: opts.body,
    ...(opts.amount ? { amount: opts.amount, timeout: opts.timeout ?? 120 } : { duration: opts.seconds ?? settings.duration }),
    ...(setupRequest ? { requests: [{ setupRequest }] } : {}),
  } as autocannon.Options);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const used = meter();
  const m: Measure = {
    name,
    section: settings.section,
    floor: opts.floor,
    connections,
    rps: Math.round(r.requests.average * 10) / 10,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: Math.round(r.latency.average * 10) / 10,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    loadCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100),
  };
  if (r.requests.total > 0 && !opts.concurrent) {
    const perRequest = (ms: number) => Number((ms / r.requests.total).toPrecision(2));
    if (settings.servers.has(Number(new URL(url).port))) m.serverCpuMs = perRequest(used.serverMs);
    m.databaseCpuMs = perRequest(used.databaseMs);
  }
  if (opts.amount) {
    // Few, slow requests: the rate is the connections over the mean latency.
    m.rps = r.requests.total > 0 ? Number(((connections * 1000) / r.latency.average).toPrecision(3)) : 0;
  }
  if (!opts.quiet) printMeasure(m, opts.timeout);
  return m;
}
