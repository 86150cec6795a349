import type { ArgumentsHost } from '@nestjs/common';
import { DomainError, type ErrorCode } from '../../../src/common/errors/domain-error.js';
import { ErrorMessages } from '../../../src/common/errors/error-messages.js';
import { ProblemFilter } from '../../../src/common/errors/problem.filter.js';
import type { ViewService } from '../../../src/common/web/view.service.js';
import { ERROR_CATALOGUE } from '../../../src/error-catalogue.js';

/** Runs the filter on an API request and returns what it answered. */
function answer(exception: unknown): { status: number; type: string; body: Record<string, unknown> } {
  const sent = { status: 0, type: '', body: {} as Record<string, unknown> };
  const res = {
    headersSent: false,
    setHeader: () => res,
    status(s: number) {
      sent.status = s;
      return res;
    },
    type(t: string) {
      sent.type = t;
      return res;
    },
    send(b: string) {
      sent.body = JSON.parse(b);
      return res;
    },
  };
  const req = { id: 'req-1', locale: 'en', path: '/api/campaigns/x', method: 'PATCH', headers: {}, originalUrl: '/api/campaigns/x' };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  new ProblemFilter({} as ViewService, new ErrorMessages(ERROR_CATALOGUE)).catch(exception, host);
  return sent;
}

const CLASHING = { type: 'evil', title: 'evil', status: 'live', detail: 'evil', code: 'EVIL', errors: 'evil', requestId: 'evil', instance: 'evil' };

describe('problem+json members', () => {
  it('keeps its own members when a detail has the same name (a campaign "live" was once the HTTP status)', () => {
    const res = answer(new DomainError('CAMPAIGN_NOT_EDITABLE', { campaignStatus: 'live', ...CLASHING }));
    expect(res.status).toBe(409);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toEqual({
      type: 'urn:tremplin:error:campaign-not-editable',
      title: expect.stringMatching(/^This campaign can no longer be edited/),
      status: 409,
      detail: 'This campaign can no longer be edited (it is live).',
      code: 'CAMPAIGN_NOT_EDITABLE',
      errors: [],
      requestId: 'req-1',
      campaignStatus: 'live',
    });
  });

  it('does so for every code of the catalogue', () => {
    for (const [code, desc] of Object.entries(ERROR_CATALOGUE)) {
      const fieldErrors = [{ field: 'f', message: 'm' }];
      const res = answer(new DomainError(code as ErrorCode, { ...CLASHING, other: 1 }, fieldErrors));
      expect([code, res.status, res.body.status, res.body.code, res.body.errors, res.body.requestId, res.body.other]).toEqual([
        code,
        desc.status,
        desc.status,
        code,
        fieldErrors,
        'req-1',
        1,
      ]);
      expect(res.body.type).toBe(`urn:tremplin:error:${code.toLowerCase().replace(/_/g, '-')}`);
      expect(res.body.instance).toBeUndefined();
    }
  });
});
