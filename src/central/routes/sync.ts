/** What kiosks pull and push besides renewals: registry changes, journal events, a status check. */
import type { FastifyInstance } from 'fastify';
import { CapbuError } from '../../errors.js';
import { EventsRequest, RegistryQuery, type EventsReply, type RegistryReply } from '../api.js';
import { checkEvents } from '../events.js';
import type { CentralServices } from '../services.js';

export function syncRoutes(app: FastifyInstance, services: CentralServices): void {
  app.get<{ Querystring: RegistryQuery }>('/registry', { schema: { querystring: RegistryQuery } }, async (request) => {
    const changes = await services.store.registrySince(Number(request.query.since ?? 0));
    await services.store.kioskSeen(request.kiosk!.id, services.now().toISOString());
    const reply: RegistryReply = { version: changes.version, rows: changes.rows };
    return reply;
  });

  /**
   * A batch of the kiosk's journal: every hash recomputed and every link checked against the
   * stored chain before anything is stored; the reply says how far the chain is stored unbroken.
   */
  app.post<{ Body: EventsRequest }>('/events', { schema: { body: EventsRequest } }, async (request, reply) => {
    const kiosk = request.kiosk!.id;
    const batch = checkEvents(request.body.events);
    const saved = await services.store.saveEvents(kiosk, batch, services.now(), services.limits.events);
    if (saved.kind === 'over-quota') {
      reply.header('retry-after', String(saved.retryAfterSeconds));
      throw new CapbuError('RATE_LIMITED');
    }
    if (saved.beyondGap > 0) request.log.warn({ kiosk, acknowledgedSeq: saved.acknowledgedSeq, beyondGap: saved.beyondGap }, 'journal events stored beyond a gap');
    const answer: EventsReply = { acknowledgedSeq: saved.acknowledgedSeq };
    return answer;
  });

  /** Lets a kiosk check its credential and its clock without side effects. */
  app.get('/status', async (request) => {
    const ids = services.campaigns.campaigns.map((c) => c.id);
    // `campaign` from before campaign sets: the first one.
    return { kioskId: request.kiosk!.id, campaign: ids[0], campaigns: ids };
  });
}
