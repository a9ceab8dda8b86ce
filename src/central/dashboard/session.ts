/**
 * Who is reading: a server-side session per login, its random token in an HTTP-only, SameSite
 * cookie and only the token's hash in the store. Expiry is the store's: a session past its time
 * is never found, whatever the browser still holds.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret } from '../credentials.js';
import type { CentralStore, UserRecord } from '../storage/store.js';
import type { Scope } from '../progress/index.js';

export const SESSION_COOKIE = 'capbu_session';

const cookieOptions = (ttlMs?: number) =>
  ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    // Behind TLS the cookie never travels in clear; on loopback (tests, demo) it has to.
    secure: 'auto',
    ...(ttlMs !== undefined && { maxAge: Math.floor(ttlMs / 1000) }),
  }) as const;

export async function startSession(store: CentralStore, reply: FastifyReply, user: UserRecord, now: Date, ttlMs: number): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await store.addSession({
    tokenHash: hashSecret(token),
    userName: user.name,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
  });
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(ttlMs));
}

export async function sessionUser(store: CentralStore, request: FastifyRequest, now: Date): Promise<UserRecord | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return store.sessionUser(hashSecret(token), now.toISOString());
}

export async function endSession(store: CentralStore, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) await store.dropSession(hashSecret(token));
  reply.clearCookie(SESSION_COOKIE, cookieOptions());
}

export const scopeOf = (user: UserRecord): Scope => (user.role === 'admin' ? 'all' : user.provinces);

export const maySee = (user: UserRecord, province: string): boolean => user.role === 'admin' || user.provinces.includes(province);
