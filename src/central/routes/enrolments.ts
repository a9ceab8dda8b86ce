/** POST /v1/enrolments: a one-time code from `capbu central kiosk add` buys a long-lived credential. */
import type { FastifyInstance } from 'fastify';
import { CapbuError } from '../../errors.js';
import { EnrolmentReply, EnrolmentRequest } from '../api.js';
import { enrolmentCodeHash, newCredential } from '../credentials.js';
import type { CentralServices } from '../services.js';

export function enrolmentRoutes(app: FastifyInstance, services: CentralServices): void {
  app.post<{ Body: EnrolmentRequest }>(
    '/enrolments',
    { schema: { body: EnrolmentRequest }, config: { rateLimit: services.limits.enrolment } },
    async (request, reply) => {
      // The credential names its kiosk, so look the code up first; spending it is a separate,
      // conditional update, so two kiosks racing with one code cannot both get a credential.
      const codeHash = enrolmentCodeHash(request.body.code);
      const at = services.now().toISOString();
      const pending = await services.store.kioskByEnrolment(codeHash, at);
      if (!pending) {
        request.log.warn({ refusal: 'enrolment-code' }, 'kiosk enrolment refused');
        throw new CapbuError('ENROLMENT_CODE_INVALID');
      }
      const credential = newCredential(pending.id);
      const kiosk = await services.store.enroll(codeHash, credential.hash, at);
      if (!kiosk) throw new CapbuError('ENROLMENT_CODE_INVALID');
      request.log.info({ kioskId: kiosk.id }, 'kiosk enrolled');
      const body: EnrolmentReply = { kioskId: kiosk.id, province: kiosk.province, channel: kiosk.channel, credential: credential.token };
      return reply.code(201).send(body);
    },
  );
}
