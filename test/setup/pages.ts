import type request from 'supertest';

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

/** GETs a page as a browser would (cookies kept by the agent) and returns its HTML and CSRF token. */
export async function openPage(agent: request.Agent, host: string, path: string): Promise<{ status: number; html: string; csrf: string }> {
  const res = await agent.get(path).set('Host', host).set('Accept', 'text/html');
  const html = res.text;
  let csrf = '';
  try {
    csrf = csrfOf(html);
  } catch {
    // pages without forms
  }
  return { status: res.status, html, csrf };
}
