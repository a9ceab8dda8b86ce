/** What kiosks pull and push besides renewals: registry changes, journal events, a status check. */
import type { FastifyInstance } from 'fastify';
import { EventsRequest, RegistryQuery, type EventsReply, type RegistryReply } from '../api.js';
import type { CentralServices } from '../services.js';

export function syncRoutes(app: FastifyInstance, services: CentralServices): void {
  app.get<{ Querystring: RegistryQuery }>('/registry', { schema: { querystring: RegistryQuery } }, async (request) => {
    const changes = await services.store.registrySince(Number(request.query.since ?? 0));
    const reply: RegistryReply = { version: changes.version, rows: changes.rows };
    return reply;
  });

  app.post<{ Body: EventsRequest }>('/events', { schema: { body: EventsRequest } }, async (request) => {
    const reply: EventsReply = await services.store.saveEvents(request.kiosk!.id, request.body.events, services.now().toISOString());
    return reply;
  });

  /** Lets a kiosk check its credential and its clock without side effects. */
  app.get('/status', async (request) => ({ kioskId: request.kiosk!.id, campaign: services.campaign.id }));
}
