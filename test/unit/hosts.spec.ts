import { isRegistrableHost, parseHostHeader, servesPathPrefix, siteUrlFor } from '../../src/tenants/domain/hosts.js';

describe('Host headers', () => {
  it.each([
    ['financement.ville.fr', 'financement.ville.fr'],
    ['Financement.Ville.FR', 'financement.ville.fr'],
    ['localhost:3000', 'localhost:3000'],
    ['127.0.0.1:8080', '127.0.0.1:8080'],
    ['[::1]:3000', '[::1]:3000'],
  ])('reads %s as %s', (raw, host) => {
    expect(parseHostHeader(raw)?.host).toBe(host);
  });

  it.each([
    'localhost:1@attacker.example',
    'attacker.example@localhost',
    'ville.fr.',
    'ville..fr',
    '-ville.fr',
    'ville.fr/x',
    'ville.fr:',
    'ville.fr:0',
    'ville.fr:65536',
    'ville.fr:80:80',
    'ville fr',
    'ville.fr,attacker.example',
    '',
    'a'.repeat(64) + '.fr',
    'ville.fr\u0000',
    'vïlle.fr',
  ])('refuses %j', (raw) => {
    expect(parseHostHeader(raw)).toBeNull();
  });

  it('registers only exact host names', () => {
    expect(isRegistrableHost('financement.ville.fr')).toBe(true);
    expect(isRegistrableHost('Financement.ville.fr')).toBe(false);
    expect(isRegistrableHost('ville.fr.')).toBe(false);
  });

  it("serves /t/<slug> under PUBLIC_URL's host, and loopback only outside production", () => {
    const pub = 'https://tremplin.example.org';
    expect(servesPathPrefix(parseHostHeader('tremplin.example.org')!, pub, true)).toBe(true);
    expect(servesPathPrefix(parseHostHeader('tremplin.example.org:8443')!, pub, true)).toBe(false);
    expect(servesPathPrefix(parseHostHeader('localhost:3000')!, pub, true)).toBe(false);
    expect(servesPathPrefix(parseHostHeader('localhost:3000')!, pub, false)).toBe(true);
    expect(servesPathPrefix(parseHostHeader('127.0.0.1')!, undefined, false)).toBe(true);
    expect(servesPathPrefix(parseHostHeader('attacker.example')!, pub, false)).toBe(false);
    expect(servesPathPrefix(parseHostHeader('localhost:3000')!, 'http://localhost:3000', true)).toBe(true);
  });

  it('builds site URLs from registered hosts and PUBLIC_URL only', () => {
    expect(siteUrlFor('demo', ['localhost', '127.0.0.1'], undefined, 3000)).toBe('http://localhost:3000/t/demo');
    expect(siteUrlFor('demo', ['localhost'], 'https://t.example.org', 3000)).toBe('https://t.example.org/t/demo');
    expect(siteUrlFor('lyon', ['www.lyon.fr', 'financement.lyon.fr'], 'https://t.example.org', 3000)).toBe('https://financement.lyon.fr');
  });
});
