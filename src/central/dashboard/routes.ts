/**
 * The progress pages and the JSON and CSV behind them, for a signed-in account, read through
 * src/central/progress with the account's scope. A province outside that scope is refused
 * (403 PROVINCE_FORBIDDEN) on every route, so editing a URL shows nothing more than the menu does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CapbuError } from '../../errors.js';
import { translator } from '../../i18n/catalog.js';
import { overview, provinceProgress, remainingCustomers, staleKiosks } from '../progress/index.js';
import { planReport } from '../report.js';
import { remainingCsv } from './csv.js';
import { languageOf, viewContext } from './reader.js';
import { maySee, scopeOf } from './session.js';
import type { DashboardOptions } from './settings.js';
import { overviewPage } from './views/overview.js';
import { provincePage } from './views/province.js';
import { remainingPage } from './views/remaining.js';

type ProvinceRequest = FastifyRequest<{ Params: { code: string }; Querystring: { after?: string } }>;

/** The province asked for, if the account may see it. */
function province(request: ProvinceRequest): string {
  const code = request.params.code;
  if (!maySee(request.user!, code)) {
    request.log.warn({ user: request.user!.name, province: code }, 'dashboard province refused');
    throw new CapbuError('PROVINCE_FORBIDDEN', { province: code });
  }
  return code;
}

export function progressRoutes(app: FastifyInstance, options: DashboardOptions, zone: string): void {
  const { services, settings } = options;
  const html = (reply: FastifyReply, page: string) => reply.type('text/html; charset=utf-8').send(page);
  const limitSeconds = Math.floor(settings.unsyncedLimitMs / 1000);
  const page = (request: ProvinceRequest) => ({ after: request.query.after ?? '', limit: settings.pageSize });

  app.get('/overview', async (request, reply) => {
    const scope = scopeOf(request.user!);
    const now = services.now();
    const planned = services.campaigns.campaigns.find((c) => c.plan);
    const [figures, stale, plan] = await Promise.all([
      overview(services, scope, now),
      staleKiosks(services, scope, now, limitSeconds),
      // The first planned campaign's plan, as the report shows it.
      scope === 'all' && planned ? planReport(services.store, services.campaigns, planned, now) : null,
    ]);
    return html(reply, overviewPage(viewContext(request, reply, zone), figures, stale, limitSeconds, plan));
  });
  app.get('/province/:code', async (request: ProvinceRequest, reply) => {
    const code = province(request);
    return html(reply, provincePage(viewContext(request, reply, zone), await provinceProgress(services, code, services.now()), limitSeconds));
  });
  app.get('/province/:code/remaining', async (request: ProvinceRequest, reply) => {
    const code = province(request);
    const now = services.now();
    const [figures, customers] = await Promise.all([provinceProgress(services, code, now), remainingCustomers(services, code, now, page(request))]);
    const view = { province: code, total: figures.total.remaining ?? 0, ...customers, later: Boolean(request.query.after) };
    return html(reply, remainingPage(viewContext(request, reply, zone), view));
  });
  app.get('/province/:code/remaining.csv', async (request: ProvinceRequest, reply) => {
    const code = province(request);
    const name = `remaining-${code.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(remainingCsv(services, code, services.now(), translator(languageOf(request, reply))));
  });

  app.get('/api/overview', async (request) => overview(services, scopeOf(request.user!), services.now()));
  app.get('/api/kiosks/stale', async (request) => staleKiosks(services, scopeOf(request.user!), services.now(), limitSeconds));
  app.get('/api/province/:code', async (request: ProvinceRequest) => provinceProgress(services, province(request), services.now()));
  app.get('/api/province/:code/remaining', async (request: ProvinceRequest) => remainingCustomers(services, province(request), services.now(), page(request)));
}
