/**
 * Host names, read strictly. A `Host` header chooses the authority and nothing else: links are built
 * from configuration (the registered host, or PUBLIC_URL), never from the header's text, and a header
 * that is not exactly a host name (userinfo, paths, trailing dots, stray characters) matches nothing.
 */

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const NAME = new RegExp(`^(?:${LABEL})(?:\\.${LABEL})*$`);
const HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;

export interface ParsedHost {
  /** `name` or `name:port`, lower-cased, as registered hosts are stored. */
  host: string;
  name: string;
  port?: number;
}

/** A `Host` header value, or null when it is not exactly `name[:port]`. */
export function parseHostHeader(raw: string | undefined): ParsedHost | null {
  if (!raw || raw.length > 260) return null;
  const m = HEADER.exec(raw.trim().toLowerCase());
  if (!m) return null;
  const [, name, portText] = m;
  if (!name.startsWith('[') && (name.length > 253 || !NAME.test(name))) return null;
  if (portText !== undefined) {
    const port = Number(portText);
    if (port < 1 || port > 65535) return null;
    return { host: `${name}:${port}`, name, port };
  }
  return { host: name, name };
}

/** A host name (with an optional port, for local set-ups) as it may be registered for an authority. */
export function isRegistrableHost(value: string): boolean {
  return parseHostHeader(value)?.host === value;
}

export function isLoopback(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** Whether a request to `/t/<slug>/…` may be served under this host: PUBLIC_URL's, or loopback outside production. */
export function servesPathPrefix(host: ParsedHost, publicUrl: string | undefined, production: boolean): boolean {
  if (publicUrl) {
    const u = new URL(publicUrl);
    const port = u.port ? Number(u.port) : undefined;
    if (u.hostname === host.name && (port === host.port || (port === undefined && host.port === undefined))) return true;
  }
  return !production && isLoopback(host.name);
}

/**
 * The base URL of an authority's site for links that leave the request (e-mails, canonical URLs,
 * share cards, sitemaps): its first registered host that is not loopback, with PUBLIC_URL's scheme,
 * else PUBLIC_URL (or localhost) with the `/t/<slug>` prefix.
 */
export function siteUrlFor(slug: string, registeredHosts: readonly string[], publicUrl: string | undefined, port: number): string {
  const base = publicUrl ?? `http://localhost:${port}`;
  const named = [...registeredHosts].sort().find((h) => {
    const parsed = parseHostHeader(h);
    return parsed && !isLoopback(parsed.name);
  });
  if (named) return `${new URL(base).protocol}//${named}`;
  return `${base}/t/${slug}`;
}
