/** Who reads a page and in which language: what every view is given (views/page.tsx ViewContext). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage, translator, type Language } from '../../i18n/catalog.js';
import type { UserRecord } from '../storage/store.js';
import type { ViewContext } from './views/page.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The dashboard account of this request's session; set on every route that needs one. */
    user: UserRecord | null;
  }
}

const LANG_COOKIE = 'capbu_lang';

/** Pages are Vietnamese unless the reader chose English (?lang=en, then remembered). */
export function languageOf(request: FastifyRequest, reply: FastifyReply): Language {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (typeof asked === 'string' && isLanguage(asked)) {
    reply.setCookie(LANG_COOKIE, asked, { path: '/', sameSite: 'strict', httpOnly: true, maxAge: 365 * 86_400 });
    return asked;
  }
  const kept = request.cookies[LANG_COOKIE];
  return kept && isLanguage(kept) ? kept : 'vi';
}

export function viewContext(request: FastifyRequest, reply: FastifyReply, zone: string): ViewContext {
  return { t: translator(languageOf(request, reply)), zone, path: request.url, user: request.user, csrf: reply.generateCsrf() };
}
