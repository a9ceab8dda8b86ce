/** POST /v1/renewals: 201 with the new certificate, 409 with the one issued earlier. */
import type { FastifyInstance } from 'fastify';
import { translator } from '../../i18n/catalog.js';
import { RenewalRequest, type ErrorReply } from '../api.js';
import { answerRenewalRequest } from '../renewal.js';
import type { CentralServices } from '../services.js';

const words = translator('en');

export function renewalRoutes(app: FastifyInstance, services: CentralServices): void {
  app.post<{ Body: RenewalRequest }>('/renewals', { schema: { body: RenewalRequest } }, async (request, reply) => {
    const outcome = await answerRenewalRequest(services, request.kiosk!, request.body, request.log);
    if (outcome.kind === 'already-renewed') {
      const body: ErrorReply = {
        code: 'ALREADY_RENEWED',
        message: words.error('ALREADY_RENEWED', { serial: outcome.renewal.serial }),
        renewal: outcome.renewal,
      };
      return reply.code(409).send(body);
    }
    request.log.info(
      { kioskId: request.kiosk!.id, oldSerial: outcome.renewal.oldSerial, serial: outcome.renewal.serial, replayed: outcome.replayed },
      'renewal issued',
    );
    return reply.code(201).send(outcome.renewal);
  });
}
