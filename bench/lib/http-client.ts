import { Agent, request } from 'node:http';

export type HttpResult =
  | { ok: true; status: number; body: unknown; text: string }
  /** No answer: the connection failed, or the answer never came in time. */
  | { ok: false; error: string };

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/** One HTTP call over a shared keep-alive pool; JSON bodies in and out. Never throws. */
export function httpCall(
  port: number,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; rawBody?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: HttpResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          if (/json/.test(String(res.headers['content-type'] ?? ''))) {
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
          }
          finish({ ok: true, status: res.statusCode ?? 0, body, text });
        });
        res.on('error', (err) => finish({ ok: false, error: (err as NodeJS.ErrnoException).code ?? err.message }));
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => {
      req.destroy(new Error('timeout'));
    });
    req.on('error', (err) => finish({ ok: false, error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(payload);
  });
}

export function destroyHttpAgent(): void {
  agent.destroy();
}
