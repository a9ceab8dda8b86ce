/**
 * The progress pages and the JSON and CSV behind them, for a signed-in account. A province
 * outside the account's scope is refused (403 PROVINCE_FORBIDDEN) on every one of them, so
 * editing a URL shows nothing more than the menu does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CapbuError } from '../../errors.js';
import { translator } from '../../i18n/catalog.js';
import { languageOf, viewContext } from './reader.js';
import { remainingCsv } from './csv.js';
import type { DashboardOptions } from './settings.js';
import { inScope } from './progress.js';
import { scopeOf } from './session.js';
import { overviewPage } from './views/overview.js';
import { provincePage } from './views/province.js';
import { remainingPage } from './views/remaining.js';

type ProvinceRequest = FastifyRequest<{ Params: { code: string }; Querystring: { page?: string } }>;

/** The province asked for, if the account may see it. */
function province(request: ProvinceRequest): string {
  const code = request.params.code;
  if (!inScope(scopeOf(request.user!), code)) {
    request.log.warn({ user: request.user!.name, province: code }, 'dashboard province refused');
    throw new CapbuError('PROVINCE_FORBIDDEN', { province: code });
  }
  return code;
}

/** ?page=N from 1; anything else is the first page. */
function pageOf(request: ProvinceRequest, size: number): { offset: number; limit: number } {
  const n = Number(request.query.page ?? 1);
  return { offset: (Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n - 1 : 0) * size, limit: size };
}

export function progressRoutes(app: FastifyInstance, options: DashboardOptions, zone: string): void {
  const { progress, settings } = options;
  const html = (reply: FastifyReply, page: string) => reply.type('text/html; charset=utf-8').send(page);
  const limitSeconds = Math.floor(settings.unsyncedLimitMs / 1000);

  app.get('/overview', async (request, reply) =>
    html(reply, overviewPage(viewContext(request, reply, zone), await progress.overview(scopeOf(request.user!)))),
  );
  app.get('/province/:code', async (request: ProvinceRequest, reply) => {
    const code = province(request);
    return html(reply, provincePage(viewContext(request, reply, zone), await progress.province(code), limitSeconds));
  });
  app.get('/province/:code/remaining', async (request: ProvinceRequest, reply) => {
    const code = province(request);
    return html(reply, remainingPage(viewContext(request, reply, zone), await progress.remaining(code, pageOf(request, settings.pageSize)), settings.pageSize));
  });
  app.get('/province/:code/remaining.csv', async (request: ProvinceRequest, reply) => {
    const code = province(request);
    const t = translator(languageOf(request, reply));
    const name = `remaining-${code.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(remainingCsv(progress, code, t));
  });

  app.get('/api/overview', async (request) => progress.overview(scopeOf(request.user!)));
  app.get('/api/province/:code', async (request: ProvinceRequest) => progress.province(province(request)));
  app.get('/api/province/:code/remaining', async (request: ProvinceRequest) => progress.remaining(province(request), pageOf(request, settings.pageSize)));
}
