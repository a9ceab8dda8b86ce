/**
 * The one place errors become HTTP replies: `{code, message}` with a 4xx for anything the caller
 * can fix, and a bare INTERNAL 500 (details only in the log) for anything else.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { CapbuError, type ErrorCode } from '../../errors.js';
import { translator } from '../../i18n/catalog.js';
import type { ErrorReply } from '../api.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  REQUEST_INVALID: 400,
  JSON_INVALID: 400,
  BASE64_INVALID: 400,
  CERTIFICATE_INVALID: 400,
  CSR_INVALID: 400,
  CSR_KEY_MISMATCH: 400,
  CSR_SUBJECT_MISMATCH: 400,
  UNAUTHORIZED: 401,
  LOGIN_FAILED: 401,
  LOGIN_REQUIRED: 401,
  SETUP_CODE_INVALID: 401,
  PASSWORD_WEAK: 400,
  CSRF_INVALID: 403,
  PROVINCE_FORBIDDEN: 403,
  LOGIN_THROTTLED: 429,
  ENROLMENT_CODE_INVALID: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CAMPAIGN_ID_UNKNOWN: 404,
  ALREADY_RENEWED: 409,
  EVENT_HASH_INVALID: 400,
  CHAIN_CONFLICT: 409,
  BODY_TOO_LARGE: 413,
  NOT_ELIGIBLE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  CENTRAL_BUSY: 503,
  CENTRAL_DB_LOST: 503,
};

/** API messages are English: kiosks show their own words for each code. */
const words = translator('en');

export function errorReply(error: CapbuError): { status: number; body: ErrorReply } {
  const body: ErrorReply = { code: error.code, message: words.error(error.code, error.details) };
  if (Array.isArray(error.details.reasons)) body.reasons = [...error.details.reasons];
  return { status: STATUS[error.code] ?? 500, body };
}

/** Fastify's own failures (parsing, validation, limits) as capbu codes. */
function fromFastify(error: FastifyError, bodyLimit: number): CapbuError | null {
  if (error.validation) return new CapbuError('REQUEST_INVALID', { problem: error.message });
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CapbuError('BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CapbuError('JSON_INVALID');
  }
  if (error.statusCode === 429) return new CapbuError('RATE_LIMITED');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new CapbuError('REQUEST_INVALID', { problem: error.message });
  }
  return null;
}

export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof CapbuError ? error : fromFastify(error, bodyLimit);
    if (known && STATUS[known.code] !== undefined) {
      const { status, body } = errorReply(known);
      // Fastify's other 4xx (415 and the like) keep their own status under REQUEST_INVALID.
      const fastifyStatus = !(error instanceof CapbuError) && known.code === 'REQUEST_INVALID' ? error.statusCode : undefined;
      if (typeof known.details.retryAfter === 'number') reply.header('retry-after', String(known.details.retryAfter));
      return reply.code(fastifyStatus ?? status).send(body);
    }
    request.log.error({ err: error }, 'request failed');
    const internal: ErrorReply = { code: 'INTERNAL', message: words.error('INTERNAL', { message: 'see the centre log' }) };
    return reply.code(500).send(internal);
  });
  app.setNotFoundHandler((_request, reply) => {
    const { status, body } = errorReply(new CapbuError('NOT_FOUND'));
    return reply.code(status).send(body);
  });
}
