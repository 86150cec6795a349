import type { ErrorDescription } from '../common/errors/domain-error.js';
import { sharedTranslations } from '../common/web/i18n.js';

type Schema = Record<string, unknown>;

/** The HTTP statuses a problem response is documented for. */
export const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 413, 429, 503] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

const STATUS_TEXT: Record<ProblemStatus, string> = {
  400: 'The request is invalid: `errors` names each bad field.',
  401: 'No valid bearer token (or session) was sent, or the one sent is expired or unknown (a public route refuses it too).',
  403: 'The caller may not do this (their roles do not allow it), or the authority is suspended.',
  404: 'Not found, or not visible to the caller (a programme or campaign of another authority is not found either).',
  409: 'The request conflicts with the current state (a phase, a deadline, a decision already taken).',
  413: 'The body or the uploaded file is too large.',
  429: 'Too many requests: wait for the number of seconds in `Retry-After`.',
  503: 'The service is unavailable for a moment (the database restarts): retry after `Retry-After` seconds.',
};

/** The shared RFC 9457 problem (application/problem+json) every error answers. */
export const PROBLEM_SCHEMA: Schema = {
  type: 'object',
  description: 'An RFC 9457 problem. The details of a domain error (e.g. `from`, `to`, `missing`) are extension members beside these.',
  required: ['type', 'title', 'status', 'detail', 'code', 'errors', 'requestId'],
  properties: {
    type: { type: 'string', description: 'A URN naming the kind of problem (`urn:tremplin:error:` and the code).', example: 'urn:tremplin:error:not-found' },
    title: { type: 'string', description: 'A short sentence in the reader’s language.', example: 'Not found' },
    status: { type: 'integer', example: 404 },
    detail: { type: 'string', description: 'What happened, in the reader’s language (Accept-Language).' },
    code: { type: 'string', description: 'The stable error code to branch on (see each response’s enum).', example: 'NOT_FOUND' },
    errors: {
      type: 'array',
      description: 'One entry per bad field (400), else empty.',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', example: 'email' },
          message: { type: 'string', example: 'Enter a valid e-mail address.' },
          key: { type: 'string', example: 'validation.isEmail' },
          values: { type: 'object', additionalProperties: true },
          rule: { type: 'string' },
        },
        additionalProperties: true,
      },
    },
    requestId: { type: 'string', description: 'Quote it when reporting a problem.', example: '3f2a1c0e-7b7e-4c55-9a53-0b8f1f0f2d11' },
    instance: { type: 'string' },
    retryAfterSeconds: { type: 'integer' },
  },
  additionalProperties: true,
};

/** The code the filter answers for each status when nothing more precise applies: each response's example. */
const GENERIC_CODE: Record<ProblemStatus, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** What the API answers for `status`, in English, as the problem filter writes it. */
export function problemExample(status: ProblemStatus): Schema {
  const t = sharedTranslations();
  const code = GENERIC_CODE[status];
  const retry = status === 429 || status === 503 ? { retryAfterSeconds: 30 } : {};
  const detail = t.t('en', `error.${code}`, retry);
  return {
    type: `urn:tremplin:error:${code.toLowerCase().replace(/_/g, '-')}`,
    title: detail.split(/[:.]/)[0] || detail,
    status,
    detail,
    code,
    errors: status === 400 ? [{ field: 'email', message: t.t('en', 'validation.isEmail', { label: t.t('en', 'field.email') }) }] : [],
    requestId: '3f2a1c0e-7b7e-4c55-9a53-0b8f1f0f2d11',
    ...retry,
  };
}

const pascal = (s: string) => s.replace(/(^|[-_])(\w)/g, (_m, _d, c: string) => c.toUpperCase());

/** `applications` + 409 → `ApplicationsProblem409`. */
export function problemResponseName(module: string, status: ProblemStatus): string {
  return `${pascal(module)}Problem${status}`;
}

/**
 * The reusable responses (`components.responses`) of one module: for each status, the shared
 * Problem with `code` restricted to the codes of that status the module and `common` declare.
 */
export function problemResponses(
  module: string,
  byModule: Readonly<Record<string, Readonly<Record<string, ErrorDescription>>>>,
  also: readonly string[] = [],
): Record<string, Schema> {
  const codes = [...new Set(['common', module, ...also])].flatMap((m) => Object.entries(byModule[m] ?? {}));
  const out: Record<string, Schema> = {};
  for (const status of PROBLEM_STATUSES) {
    const enumCodes = [...new Set(codes.filter(([, d]) => d.status === status).map(([c]) => c))].sort();
    // The filter answers a bare status with its generic code (e.g. 409 CONFLICT) when nothing more precise applies.
    const schema: Schema = enumCodes.length
      ? { allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object', properties: { code: { type: 'string', enum: enumCodes } } }] }
      : { $ref: '#/components/schemas/Problem' };
    const headers = status === 429 || status === 503 ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : undefined;
    out[problemResponseName(module, status)] = {
      description: STATUS_TEXT[status],
      ...(headers ? { headers } : {}),
      content: { 'application/problem+json': { schema, example: problemExample(status) } },
    };
  }
  return out;
}
