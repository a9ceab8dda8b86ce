/**
 * The supervisors' dashboard, served by the centre at `/`: log in, set a password with a one-time
 * code, and the progress pages with their JSON and CSV. Every page, JSON and CSV route asks for a
 * session (session.ts) and keeps to the provinces its account may see; every form carries an
 * anti-forgery token (@fastify/csrf-protection); logins are rate-limited per client address, across workers.
 */
import './react-mode.js';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CapbuError } from '../../errors.js';
import { enrolmentCodeHash } from '../credentials.js';
import { errorReply } from '../plugins/errors.js';
import { PASSWORD_PATH } from './accounts.js';
import { assetRoutes } from './assets.js';
import { DECOY_HASH, hashPassword, MIN_PASSWORD_LENGTH, passwordMatches } from './passwords.js';
import { progressRoutes } from './routes.js';
import { endSession, sessionUser, startSession } from './session.js';
import type { DashboardOptions } from './settings.js';
import { errorPage, loginPage, passwordPage } from './views/forms.js';
import { viewContext } from './reader.js';
import { homeZone } from '../../campaign/campaigns.js';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** JSON and CSV callers get `{code, message}`; people get a page. */
const wantsJson = (request: FastifyRequest) => request.url.startsWith('/api/') || request.url.split('?')[0]!.endsWith('.csv');

/** Only a path on this site: `next=//elsewhere` would send the reader away after login. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/overview');

function known(error: FastifyError | CapbuError): CapbuError | null {
  if (error instanceof CapbuError) return error;
  if (String(error.code).startsWith('FST_CSRF')) return new CapbuError('CSRF_INVALID');
  if (error.statusCode === 429) return new CapbuError('RATE_LIMITED');
  if (error.validation || (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)) {
    return new CapbuError('REQUEST_INVALID', { problem: error.message });
  }
  return null;
}

export async function dashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { services, settings } = options;
  const { store } = services;
  const zone = homeZone(services.campaigns);
  app.decorateRequest('user', null);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  await app.register(csrf, { sessionPlugin: '@fastify/cookie', cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: 'auto' } });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  app.setErrorHandler(async (error: FastifyError | CapbuError, request, reply) => {
    const failure = known(error);
    if (!failure) {
      request.log.error({ err: error }, 'dashboard request failed');
    }
    const { status, body } = errorReply(failure ?? new CapbuError('INTERNAL', { message: 'see the centre log' }));
    if (wantsJson(request)) return reply.code(status).send(body);
    const v = viewContext(request, reply, zone);
    const message = v.t.error(body.code as CapbuError['code'], failure?.details ?? {});
    // A login refused for its rate keeps the form, so the reader sees the words where they typed.
    const page = failure?.code === 'LOGIN_THROTTLED' ? loginPage(v, { problem: message }) : errorPage(v, body.code, message);
    return reply.code(status).type('text/html; charset=utf-8').send(page);
  });

  const html = (reply: FastifyReply, page: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(page);
  /**
   * Login and password attempts per client address, counted in the database: every worker of
   * `serve --workers N` and every centre process on it share one count.
   */
  const throttle = async (request: FastifyRequest, reply: FastifyReply) => {
    const { max, timeWindow } = settings.loginLimit;
    const now = services.now();
    const { count, windowStart } = await store.countAttempt(`login:${request.ip}`, now.toISOString(), timeWindow);
    if (count <= max) return;
    reply.header('retry-after', String(Math.max(1, Math.ceil((Date.parse(windowStart) + timeWindow - now.getTime()) / 1000))));
    throw new CapbuError(request.url.startsWith('/login') ? 'LOGIN_THROTTLED' : 'RATE_LIMITED');
  };

  assetRoutes(app);
  app.get('/', async (_request, reply) => reply.redirect('/overview'));

  app.get<{ Querystring: { next?: string; done?: string } }>('/login', async (request, reply) => {
    const v = viewContext(request, reply, zone);
    return html(reply, loginPage(v, { next: request.query.next, notice: request.query.done ? v.t.text('dash.password.done') : undefined }));
  });

  app.post<{ Body: { name?: string; password?: string; next?: string } }>(
    '/login',
    { preHandler: [throttle, app.csrfProtection] },
    async (request, reply) => {
      const name = String(request.body?.name ?? '');
      const password = String(request.body?.password ?? '');
      const user = name ? await store.user(name) : null;
      // The same scrypt work whether or not the name exists.
      const matches = await passwordMatches(password, user?.passwordHash ?? DECOY_HASH);
      if (!user || user.passwordHash === null || !matches) {
        request.log.warn({ user: name }, 'dashboard login refused');
        const v = viewContext(request, reply, zone);
        return html(reply, loginPage(v, { problem: v.t.error('LOGIN_FAILED'), name, next: request.body?.next }), 401);
      }
      await startSession(store, reply, user, services.now(), settings.sessionTtlMs);
      request.log.info({ user: user.name }, 'dashboard login');
      return reply.redirect(safeNext(request.body?.next), 303);
    },
  );

  app.get<{ Querystring: { code?: string } }>(PASSWORD_PATH, async (request, reply) => html(reply, passwordPage(viewContext(request, reply, zone), { code: request.query.code })));

  app.post<{ Body: { code?: string; password?: string; repeat?: string } }>(
    PASSWORD_PATH,
    { preHandler: [throttle, app.csrfProtection] },
    async (request, reply) => {
      const code = String(request.body?.code ?? '');
      const password = String(request.body?.password ?? '');
      const v = viewContext(request, reply, zone);
      const refuse = (problem: string, status: number) => html(reply, passwordPage(v, { code, problem }), status);
      if (password.length < MIN_PASSWORD_LENGTH) return refuse(v.t.error('PASSWORD_WEAK', { min: MIN_PASSWORD_LENGTH }), 400);
      if (password !== String(request.body?.repeat ?? '')) return refuse(v.t.text('dash.password.mismatch'), 400);
      const user = await store.setPassword(enrolmentCodeHash(code), await hashPassword(password), services.now().toISOString());
      if (!user) return refuse(v.t.error('SETUP_CODE_INVALID'), 401);
      request.log.info({ user: user.name }, 'dashboard password set');
      return reply.redirect('/login?done=1', 303);
    },
  );

  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await endSession(store, request, reply);
    return reply.redirect('/login', 303);
  });

  await app.register(async (signedIn) => {
    signedIn.addHook('onRequest', async (request, reply) => {
      request.user = await sessionUser(store, request, services.now());
      if (request.user) return;
      if (wantsJson(request)) throw new CapbuError('LOGIN_REQUIRED');
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
    });
    progressRoutes(signedIn, options, zone);
  });
}
