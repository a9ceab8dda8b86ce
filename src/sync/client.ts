/**
 * The kiosk's HTTP client of the central service, typed and checked with the same schemas the
 * centre validates with (src/central/api.ts). Every reply carries the centre's clock; the client
 * hands it back with the skew so the kiosk can warn its operator and decide with the centre's
 * time while online.
 */
import { Agent, request } from 'undici';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema, Static } from '@sinclair/typebox';
import {
  API_PREFIX,
  EnrolmentReply,
  ErrorReply,
  EventsReply,
  IssuedCertificate,
  RegistryReply,
  Report,
  TIME_HEADER,
  type EnrolmentRequest,
  type EventsRequest,
  type RenewalRequest,
} from '../central/api.js';
import { CapbuError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { CLOCK_SKEW_WARNING_MS } from './centre-time.js';


export interface CentreTime {
  /** The centre's clock when it replied; null if the header was missing or unreadable. */
  readonly centreTime: Date | null;
  /** centre − kiosk, in milliseconds (positive: the kiosk is behind). */
  readonly skewMs: number | null;
  /** |skew| over five minutes: tell the operator, and decide with centreTime. */
  readonly clockWarning: boolean;
}

export type Replied<T> = T & { readonly time: CentreTime };

export type RenewalResult = Replied<
  | { readonly status: 'issued'; readonly renewal: IssuedCertificate }
  /** The old certificate was renewed before (a lost reply, say): this is that certificate. */
  | { readonly status: 'already-renewed'; readonly renewal: IssuedCertificate }
>;

export interface ClientOptions {
  readonly server: string;
  /** Absent only for enrolment. */
  readonly credential?: string;
  /** Each of connecting, waiting for the centre's answer and reading it may take this long (30 s). */
  readonly timeoutMs?: number;
  /** The kiosk's clock, for the skew; tests pin it. */
  readonly now?: () => Date;
}

function centreTime(header: string | undefined, kioskNow: Date): CentreTime {
  const at = header ? new Date(header) : null;
  if (!at || Number.isNaN(at.getTime())) return { centreTime: null, skewMs: null, clockWarning: false };
  const skewMs = at.getTime() - kioskNow.getTime();
  return { centreTime: at, skewMs, clockWarning: Math.abs(skewMs) > CLOCK_SKEW_WARNING_MS };
}

function asErrorCode(code: string): ErrorCode | null {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : null;
}

/** Each reply schema compiled once, on first use. */
const checks = new Map<TSchema, TypeCheck<TSchema>>();
function matches<S extends TSchema>(schema: S, value: unknown): value is Static<S> {
  let check = checks.get(schema);
  if (!check) checks.set(schema, (check = TypeCompiler.Compile(schema)));
  return check.Check(value);
}

interface Received {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

interface RawReply {
  readonly status: number;
  readonly body: unknown;
  readonly time: CentreTime;
  /** How long the centre asked to wait before trying again (Retry-After), if it said. */
  readonly retryAfterMs: number | null;
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
function retryAfter(header: string | string[] | undefined, kioskNow: Date): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - kioskNow.getTime());
}

export class CentralClient {
  private readonly base: string;
  private readonly options: ClientOptions;
  /** Keeps the connection between calls (undici's pool); an idle one does not keep the process alive. */
  private readonly agent: Agent;

  constructor(options: ClientOptions) {
    this.options = options;
    this.base = options.server.replace(/\/+$/, '') + API_PREFIX;
    // Waiting for the centre's answer, and then for its body, each gets the whole allowance.
    const timeout = options.timeoutMs ?? 30_000;
    this.agent = new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connectTimeout: timeout });
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<RawReply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.options.credential) headers.authorization = `Bearer ${this.options.credential}`;
    let received: Received;
    try {
      const reply = await request(this.base + path, { method, headers, body: payload, dispatcher: this.agent });
      received = { status: reply.statusCode, headers: reply.headers, text: await reply.body.text() };
    } catch (error) {
      throw new CapbuError('SERVER_UNREACHABLE', { server: this.options.server }, { cause: error });
    }
    const header = received.headers[TIME_HEADER];
    const kioskNow = (this.options.now ?? (() => new Date()))();
    const time = centreTime(Array.isArray(header) ? header[0] : header, kioskNow);
    let parsed: unknown;
    try {
      parsed = JSON.parse(received.text);
    } catch (error) {
      throw new CapbuError('SERVER_REPLY_INVALID', { status: received.status }, { cause: error });
    }
    return { status: received.status, body: parsed, time, retryAfterMs: retryAfter(received.headers['retry-after'], kioskNow) };
  }

  /** The reply's body when it has the expected status and shape; the centre's error otherwise. */
  private expect<S extends TSchema>(reply: RawReply, status: number, schema: S): Static<S> {
    if (reply.status === status && matches(schema, reply.body)) return reply.body as Static<S>;
    throw this.failure(reply);
  }

  /**
   * Only a 4xx in the API's shape is the centre's considered answer about the request. A 5xx
   * says the centre failed, whatever code it carries: SERVER_UNAVAILABLE, to be tried again.
   */
  private failure(reply: RawReply): CapbuError {
    const retry = reply.retryAfterMs === null ? {} : { retryAfterMs: reply.retryAfterMs };
    if (reply.status >= 500) return new CapbuError('SERVER_UNAVAILABLE', { status: reply.status, ...retry });
    if (reply.status >= 400 && matches(ErrorReply, reply.body)) {
      const code = asErrorCode(reply.body.code);
      if (code) return new CapbuError(code, { reasons: reply.body.reasons, status: reply.status, ...retry });
    }
    return new CapbuError('SERVER_REPLY_INVALID', { status: reply.status });
  }

  /** Trades a one-time enrolment code for the kiosk's long-lived credential. */
  async enroll(code: string): Promise<Replied<EnrolmentReply>> {
    const request: EnrolmentRequest = { code };
    const reply = await this.call('POST', '/enrolments', request);
    return { ...this.expect(reply, 201, EnrolmentReply), time: reply.time };
  }

  /**
   * One renewal. Retry with the same request (same idempotencyKey) after any failure that left
   * the outcome unknown: the centre answers a retry with the certificate it issued the first time.
   * Throws NOT_ELIGIBLE (with reasons), the request's 400 code, UNAUTHORIZED, RATE_LIMITED, …;
   * SERVER_UNAVAILABLE or SERVER_REPLY_INVALID when the centre gave no considered answer.
   */
  async renew(request: RenewalRequest): Promise<RenewalResult> {
    const reply = await this.call('POST', '/renewals', request);
    if (reply.status === 201 && matches(IssuedCertificate, reply.body)) {
      return { status: 'issued', renewal: reply.body, time: reply.time };
    }
    if (reply.status === 409 && matches(ErrorReply, reply.body) && reply.body.renewal) {
      return { status: 'already-renewed', renewal: reply.body.renewal, time: reply.time };
    }
    throw this.failure(reply);
  }

  /** Registry rows changed since `since` (0: everything); keep `version` for the next call. */
  async registry(since = 0): Promise<Replied<RegistryReply>> {
    const reply = await this.call('GET', `/registry?since=${encodeURIComponent(String(since))}`);
    return { ...this.expect(reply, 200, RegistryReply), time: reply.time };
  }

  /** Sends journal events; resending ones the centre has is harmless (counted as duplicates). */
  async events(events: EventsRequest['events']): Promise<Replied<EventsReply>> {
    const request: EventsRequest = { events };
    const reply = await this.call('POST', '/events', request);
    return { ...this.expect(reply, 200, EventsReply), time: reply.time };
  }

  async report(): Promise<Replied<Report>> {
    const reply = await this.call('GET', '/report');
    return { ...this.expect(reply, 200, Report), time: reply.time };
  }
}
