/**
 * Every API call but enrolment carries `Authorization: Bearer <kiosk id>.<secret>`. The centre
 * holds only the secret's hash; an unknown, revoked or wrong credential gets 401 and a log line
 * naming the kiosk and the reason, never the secret. Each scope says which credential roles it
 * serves; a valid credential of another role gets 403 FORBIDDEN.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CapbuError } from '../../errors.js';
import { parseBearer, secretMatches } from '../credentials.js';
import type { CentralStore, CredentialRole, KioskRecord } from '../storage/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated kiosk; set on every route inside the authenticated scope. */
    kiosk: KioskRecord | null;
  }
}

type Refusal = 'malformed' | 'unknown' | 'not-enrolled' | 'revoked' | 'wrong-secret';

async function check(store: CentralStore, header: string | undefined): Promise<KioskRecord | { refusal: Refusal; kioskId?: string }> {
  const bearer = parseBearer(header);
  if (!bearer) return { refusal: 'malformed' };
  const kiosk = await store.kiosk(bearer.kioskId);
  if (!kiosk) return { refusal: 'unknown', kioskId: bearer.kioskId };
  if (kiosk.revokedAt !== null) return { refusal: 'revoked', kioskId: kiosk.id };
  if (kiosk.credentialHash === null) return { refusal: 'not-enrolled', kioskId: kiosk.id };
  if (!secretMatches(bearer.secret, kiosk.credentialHash)) return { refusal: 'wrong-secret', kioskId: kiosk.id };
  return kiosk;
}

/** Adds the check to every route of `scope` (an encapsulated plugin context), for credentials of `roles`. */
export function requireCredential(scope: FastifyInstance, store: CentralStore, roles: readonly CredentialRole[]): void {
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const result = await check(store, request.headers.authorization);
    if ('refusal' in result) {
      request.log.warn({ kioskId: result.kioskId, refusal: result.refusal }, 'kiosk authentication refused');
      throw new CapbuError('UNAUTHORIZED');
    }
    if (!roles.includes(result.role)) {
      request.log.warn({ kioskId: result.id, role: result.role, url: request.url }, 'credential refused: not its role');
      throw new CapbuError('FORBIDDEN');
    }
    request.kiosk = result;
  });
}
