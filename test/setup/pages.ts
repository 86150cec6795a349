import type request from 'supertest';
import { AuthService } from '../../src/auth/auth.service.js';
import type { TestApp } from './test-app.js';

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

/** An agent signed in as a browser is: the person's password set, the sign-in form posted (303), its cookies kept. */
export async function signInByPassword(
  t: TestApp,
  city: { tenant: { id: string }; host: string },
  person: { userId: string; email: string },
): Promise<request.Agent> {
  await t.app.get(AuthService).setPassword(city.tenant.id, person.userId, 'a long enough password');
  const browser = t.http();
  const signIn = await openPage(browser, city.host, '/sign-in');
  await browser
    .post('/sign-in/password')
    .set('Host', city.host)
    .type('form')
    .send({ _csrf: signIn.csrf, email: person.email, password: 'a long enough password' })
    .expect(303);
  return browser;
}
