/**
 * GET /v1/report: the campaign's progress, for a report credential (the centre's CLI reads the database itself); GET
 * /v1/report/provinces/:code: one province's figures and kiosks.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { buildReport } from '../report.js';
import { provinceProgress } from '../progress/index.js';
import type { CentralServices } from '../services.js';

const ProvinceParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });

export function reportRoutes(app: FastifyInstance, services: CentralServices): void {
  app.get('/report', async () => buildReport(services.store, services.campaign, services.now()));
  app.get<{ Params: { code: string } }>('/report/provinces/:code', { schema: { params: ProvinceParams } }, async (request) =>
    provinceProgress(services, request.params.code, services.now()),
  );
}
