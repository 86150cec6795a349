import { isPrivateHost, paymentSettingsProblems, refundUrlProblem } from '../../../src/campaigns/domain/payment-settings.js';

const strict = { allowLoopbackHttp: false, allowPrivate: false };

describe('the refund URL the server POSTs to', () => {
  it('is https, on a public address', () => {
    expect(refundUrlProblem('https://refunds.operator.example/v1/refunds', strict)).toBeNull();
    expect(refundUrlProblem('http://refunds.operator.example/v1/refunds', strict)).toBe('validation.refundUrlHttps');
    expect(refundUrlProblem('ftp://refunds.operator.example', strict)).toBe('validation.refundUrl');
    expect(refundUrlProblem('https://user:pw@refunds.operator.example', strict)).toBe('validation.refundUrl');
  });

  it('refuses loopback, private, link-local and local-only names unless allowed', () => {
    for (const url of [
      'https://127.0.0.1/r',
      'https://localhost/r',
      'https://api.localhost/r',
      'https://10.1.2.3/r',
      'https://172.20.0.1/r',
      'https://192.168.1.10/r',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/r',
      'https://0.0.0.0/r',
      'https://[::1]/r',
      'https://[fd00::1]/r',
      'https://[fe80::1]/r',
      'https://[::ffff:10.0.0.1]/r',
      'https://2130706433/r', // 127.0.0.1 written as a number
      'https://payments.internal/r',
      'https://printer.local/r',
      'https://intranet/r',
    ]) {
      expect([url, refundUrlProblem(url, strict)]).toEqual([url, 'validation.refundUrlPrivate']);
      expect(refundUrlProblem(url, { allowLoopbackHttp: false, allowPrivate: true })).toBeNull();
    }
    expect(isPrivateHost('172.32.0.1')).toBe(false);
    expect(isPrivateHost('8.8.8.8')).toBe(false);
  });

  it('lets tests use a loopback http endpoint, and only that', () => {
    const tests = { allowLoopbackHttp: true, allowPrivate: false };
    expect(refundUrlProblem('http://127.0.0.1:4567/refunds', tests)).toBeNull();
    expect(refundUrlProblem('http://localhost:4567/refunds', tests)).toBeNull();
    expect(refundUrlProblem('http://10.0.0.1/refunds', tests)).toBe('validation.refundUrlHttps');
    expect(refundUrlProblem('https://10.0.0.1/refunds', tests)).toBe('validation.refundUrlPrivate');
  });

  it('is a field problem of the settings', () => {
    expect(paymentSettingsProblems({ refundUrl: 'http://refunds.example' }).map((p) => p.field)).toEqual(['refundUrl']);
    expect(paymentSettingsProblems({ refundUrl: null })).toEqual([]);
  });
});
