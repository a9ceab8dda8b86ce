/**
 * The central service as a Fastify app: external plugins first (rate limit), then capbu's own
 * (error replies, the clock header, kiosk authentication), then the routes under /v1, then the
 * supervisors' dashboard at `/` (central/dashboard/). The caller
 * owns the store and the signer; the app never opens or closes them.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { API_PREFIX, TIME_HEADER } from './api.js';
import { registerErrorHandling } from './plugins/errors.js';
import { requireCredential } from './plugins/auth.js';
import { enrolmentRoutes } from './routes/enrolments.js';
import { renewalRoutes } from './routes/renewals.js';
import { reportRoutes } from './routes/report.js';
import { syncRoutes } from './routes/sync.js';
import { dashboard } from './dashboard/plugin.js';
import { DEFAULT_DASHBOARD, type DashboardSettings } from './dashboard/settings.js';
import type { CentralServices, RateLimit } from './services.js';
import type { EventQuota } from './storage/event-chain.js';

/** Renewal requests are two small DER blobs: anything near this is not one. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;
export const DEFAULT_BACKDATE_MS = 60 * 60 * 1000;
export const DEFAULT_KIOSK_LIMIT: RateLimit = { max: 300, timeWindow: 60_000 };
export const DEFAULT_ENROLMENT_LIMIT: RateLimit = { max: 10, timeWindow: 60_000 };
/** A counter's day is a few hundred events: this much in an hour is a kiosk gone wrong. */
export const DEFAULT_EVENT_QUOTA: EventQuota = { max: 20_000, windowMs: 3_600_000 };

export interface CentralAppOptions {
  readonly services: CentralServices;
  readonly bodyLimit?: number;
  /** pino options, a pino-compatible logger instance, or false for silence. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly loggerInstance?: FastifyServerOptions['loggerInstance'];
  readonly dashboard?: Partial<DashboardSettings>;
  /**
   * The TLS-terminating proxies in front (`serve --trust-proxy`: addresses or CIDR ranges,
   * comma-separated): from them, X-Forwarded-For gives the client's address (the login limit's
   * key) and X-Forwarded-Proto its scheme, so the session cookie is marked Secure behind HTTPS.
   * Headers from anyone else are ignored.
   */
  readonly trustProxy?: string;
}

export async function buildCentralApp(options: CentralAppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    bodyLimit,
    ...(options.trustProxy && { trustProxy: options.trustProxy }),
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    // Kiosks send one JSON shape; nothing else should be coerced into it.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  app.decorateRequest('kiosk', null);
  registerErrorHandling(app, bodyLimit);
  app.addHook('onSend', async (_request, reply) => {
    reply.header(TIME_HEADER, services.now().toISOString());
  });

  await app.register(rateLimit, {
    global: true,
    max: services.limits.kiosk.max,
    timeWindow: services.limits.kiosk.timeWindow,
    // Runs after authentication (route hooks follow scope hooks), so each kiosk has its own budget.
    keyGenerator: (request) => (request.kiosk ? `kiosk:${request.kiosk.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, code: 'RATE_LIMITED', message: `retry in ${context.after}` }),
  });

  await app.register(
    async (v1) => {
      enrolmentRoutes(v1, services);
      await v1.register(async (kiosks) => {
        requireCredential(kiosks, services.store, ['kiosk']);
        renewalRoutes(kiosks, services);
        syncRoutes(kiosks, services);
      });
      // Every province's figures: for the centre's staff, not for kiosks.
      await v1.register(async (reporters) => {
        requireCredential(reporters, services.store, ['report']);
        reportRoutes(reporters, services);
      });
    },
    { prefix: API_PREFIX },
  );
  // The supervisors' pages at `/`, in a scope of their own (cookies, forms, their error pages).
  await app.register(dashboard, { services, settings: { ...DEFAULT_DASHBOARD, ...options.dashboard } });
  return app;
}
