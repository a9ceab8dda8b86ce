/** GET /v1/report: the campaign's progress, for a report credential (the centre's CLI reads the database itself). */
import type { FastifyInstance } from 'fastify';
import { buildReport } from '../report.js';
import type { CentralServices } from '../services.js';

export function reportRoutes(app: FastifyInstance, services: CentralServices): void {
  app.get('/report', async () => buildReport(services.store, services.campaign, services.now()));
}
