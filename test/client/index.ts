import type { Server } from 'node:http';
import createClient, { type Client } from 'openapi-fetch';
import request from 'supertest';
import type { paths } from './openapi.js';

/**
 * The typed API client the tests drive the application with: `openapi-fetch` over the types that
 * `openapi-typescript` generates from docs/openapi.json (`npm run openapi:client`, run by `npm test`
 * and `npm run typecheck`; the file test/client/openapi.d.ts is not committed). A request or an answer
 * that drifts from the document fails to compile; the contract check (test/setup/contract.ts)
 * validates the answers at run time.
 */
export type ApiClient = Client<paths>;

/** A fetch that goes through supertest to the test server (no port), with the authority's Host. */
function fetchThrough(server: Server, host: string): (input: Request) => Promise<Response> {
  return async (input: Request) => {
    const url = new URL(input.url);
    const method = input.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const agent = request(server);
    let req = agent[method](url.pathname + url.search).set('Host', host);
    input.headers.forEach((value, name) => {
      req = req.set(name, value);
    });
    const bytes = input.body ? Buffer.from(await input.arrayBuffer()) : undefined;
    // superagent would serialize a Buffer as JSON: JSON goes as its text, anything else as bytes.
    const body = bytes && /json/.test(input.headers.get('content-type') ?? '') ? bytes.toString('utf8') : bytes;
    const res = await req
      .send(body as never)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers as Record<string, string | string[]>)) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const empty = res.status === 204 || res.status === 304;
    return new Response(empty ? null : new Uint8Array(res.body as Buffer), { status: res.status, headers });
  };
}

/** A client for one authority (by its host), signed in when `token` (a `tpl_…` bearer token) is given. */
export function apiClient(server: Server, host: string, token?: string): ApiClient {
  return createClient<paths>({
    baseUrl: `http://${host}`,
    fetch: fetchThrough(server, host),
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}
