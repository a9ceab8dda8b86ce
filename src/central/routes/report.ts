/**
 * GET /v1/report[?campaign=ID]: the campaigns' progress, for a report credential (the centre's CLI reads the database itself); GET
 * /v1/report/provinces/:code: one province's figures and kiosks.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { buildReport } from '../report.js';
import { provinceProgress } from '../progress/index.js';
import type { CentralServices } from '../services.js';

const ProvinceParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
/** `?campaign=ID`: that campaign's share and plan alone. */
const ReportQuery = Type.Object({ campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) });

export function reportRoutes(app: FastifyInstance, services: CentralServices): void {
  app.get<{ Querystring: { campaign?: string } }>('/report', { schema: { querystring: ReportQuery } }, async (request) =>
    buildReport(services.store, services.campaigns, services.now(), request.query.campaign),
  );
  app.get<{ Params: { code: string } }>('/report/provinces/:code', { schema: { params: ProvinceParams } }, async (request) =>
    provinceProgress(services, request.params.code, services.now()),
  );
}
