import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers that belong to one hop, not to the request: never forwarded. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
/** Methods that may be sent again after they may have reached the app (RFC 9110 idempotent methods). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const MAX_ATTEMPTS = 4;

export interface Upstream {
  name: string;
  port: number;
}

/** A request being served by an instance: the SIGTERM check waits for these to end. */
export interface InFlight {
  id: number;
  method: string;
  path: string;
  /** Resolves with the status the app answered, or 'error' when the connection failed. */
  done: Promise<number | 'error'>;
}

export interface ProxyStats {
  requests: number;
  /** Sent again to the other instance because the connection failed before the request reached the app. */
  retriedNotReached: number;
  /** Sent again after the request may have reached the app (idempotent method, or an Idempotency-Key). */
  retriedIdempotent: number;
  /** Answered 502: no instance could be reached, or a non-idempotent request may have reached a dying one. */
  badGateway: number;
  perUpstream: Record<string, { forwarded: number; connectFailed: number; failedAfterSend: number }>;
}

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP.has(k.toLowerCase())));
}

/**
 * A tiny round-robin HTTP proxy in front of the app instances, as a load balancer would be. It retries
 * on the other instance when the connection failed before the request reached the app; after that,
 * only requests that are safe to repeat (idempotent methods, or a POST with an Idempotency-Key such
 * as a contribution) are retried. Anything else answers 502 and is left to the client.
 */
export class RoundRobinProxy {
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private next = 0;
  private seq = 0;
  private readonly downUntil = new Map<string, number>();
  private readonly inFlight = new Map<string, Map<number, InFlight>>();
  readonly stats: ProxyStats;

  constructor(private readonly upstreams: Upstream[]) {
    this.stats = {
      requests: 0,
      retriedNotReached: 0,
      retriedIdempotent: 0,
      badGateway: 0,
      perUpstream: Object.fromEntries(upstreams.map((u) => [u.name, { forwarded: 0, connectFailed: 0, failedAfterSend: 0 }])),
    };
    for (const u of upstreams) this.inFlight.set(u.name, new Map());
  }

  async listen(): Promise<number> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The requests an instance is serving right now. */
  inFlightOn(name: string): InFlight[] {
    return [...this.inFlight.get(name)!.values()];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.forward(req, res, Buffer.concat(chunks), 1, new Set()));
    req.on('error', () => res.destroy());
  }

  private pick(avoid: Set<string>): Upstream {
    const now = Date.now();
    for (let i = 0; i < this.upstreams.length; i++) {
      const u = this.upstreams[(this.next + i) % this.upstreams.length];
      if (!avoid.has(u.name) && (this.downUntil.get(u.name) ?? 0) <= now) {
        this.next = (this.next + i + 1) % this.upstreams.length;
        return u;
      }
    }
    const u = this.upstreams[this.next];
    this.next = (this.next + 1) % this.upstreams.length;
    return u;
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer, attempt: number, tried: Set<string>): void {
    const method = req.method ?? 'GET';
    const upstream = this.pick(tried);
    tried.add(upstream.name);
    const stats = this.stats.perUpstream[upstream.name];
    stats.forwarded++;
    const id = ++this.seq;
    let settle: (v: number | 'error') => void = () => {};
    const done = new Promise<number | 'error'>((resolve) => (settle = resolve));
    const flights = this.inFlight.get(upstream.name)!;
    flights.set(id, { id, method, path: req.url ?? '/', done });
    const end = (v: number | 'error') => {
      flights.delete(id);
      settle(v);
    };

    // Whether the request could have reached the app: once a socket is connected (a reused keep-alive
    // socket counts), bytes may have been read and acted on.
    let reached = false;
    const out = request({
      host: '127.0.0.1',
      port: upstream.port,
      method,
      path: req.url,
      agent: this.agent,
      headers: { ...forwardable(req.headers), 'content-length': String(body.length) },
    });
    out.on('socket', (socket) => {
      if (!socket.connecting) reached = true;
      else socket.once('connect', () => (reached = true));
    });
    out.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, forwardable(up.headers));
      up.pipe(res);
      up.on('end', () => end(up.statusCode ?? 502));
      up.on('error', () => {
        end('error');
        res.destroy();
      });
    });
    out.on('error', () => {
      end('error');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (!reached) {
        stats.connectFailed++;
        // Skip this instance for a moment, as a load balancer's passive health check would.
        this.downUntil.set(upstream.name, Date.now() + 500);
      } else stats.failedAfterSend++;
      const safe = IDEMPOTENT.has(method) || !!req.headers['idempotency-key'];
      if (attempt < MAX_ATTEMPTS && (!reached || safe)) {
        if (reached) this.stats.retriedIdempotent++;
        else this.stats.retriedNotReached++;
        setTimeout(() => this.forward(req, res, body, attempt + 1, tried), 25 * attempt);
        return;
      }
      this.stats.badGateway++;
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad gateway"}');
    });
    out.end(body);
  }
}
