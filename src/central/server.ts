/**
 * Starting and stopping the whole service: store, CA key, app, listener. The CLI, the tests and
 * the benchmark all start it this way, so they run the same thing.
 */
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { ZoneCalendar } from '../campaign/calendar.js';
import type { Campaign } from '../campaign/campaign.js';
import { campaignRenewing, issuerKeyIdOf, type CampaignSet } from '../campaign/campaigns.js';
import type { EventQuota } from './storage/event-chain.js';
import { CapbuError } from '../errors.js';
import { buildCentralApp, DEFAULT_BACKDATE_MS, DEFAULT_ENROLMENT_LIMIT, DEFAULT_EVENT_QUOTA, DEFAULT_KIOSK_LIMIT } from './app.js';
import { openCaSigner, redactKey } from './ca-key.js';
import { caKeysFor } from './ca-keys.js';
import type { CaCertificate } from '../pki/ca-certificate.js';
import { checkIssuanceRecord, markedBeforeSigning } from './issued-marker.js';
import { prepareIssuer } from './issue.js';
import { rememberingCalendar } from './remembering-calendar.js';
import type { CaSigner } from './signer.js';
import type { CentralServices, RateLimit } from './services.js';
import { openCentralStore } from './storage/open.js';
import type { StoreLog } from './storage/store.js';
import type { DashboardSettings } from './dashboard/settings.js';
import { refreshStandings } from './progress/standing.js';

export interface CentralConfig {
  readonly campaigns: CampaignSet;
  /** `--ca-key` as given: `ID=KEY` per campaign, or one bare KEY for a single campaign (src/central/ca-keys.ts); a KEY is a PEM file or a pkcs11: URI. */
  readonly caKeys: readonly string[];
  readonly db: string;
  /** Start on a database that holds nothing of a CA key that has issued: the operator knows it is new. */
  readonly newDatabase?: boolean;
  /** PostgreSQL connections per process (`--db-pool`). */
  readonly dbPool?: number;
  /** How long a request waits for the database before 503 CENTRAL_BUSY. */
  readonly dbWaitMs?: number;
  /** host:port; port 0 picks a free one. */
  readonly listen?: string;
  readonly now?: () => Date;
  readonly backdateMs?: number;
  /** Checks supervisors' overrides of the rollout plan (central/override.ts); none: all refused. */
  readonly overrideKey?: KeyObject | null;
  readonly bodyLimit?: number;
  readonly kioskLimit?: RateLimit;
  readonly enrolmentLimit?: RateLimit;
  /** Journal events one kiosk may store per window (429 past it). */
  readonly eventQuota?: EventQuota;
  readonly env?: NodeJS.ProcessEnv;
  readonly pinVariable?: string;
  readonly logger?: FastifyServerOptions['logger'];
  readonly loggerInstance?: FastifyServerOptions['loggerInstance'];
  readonly dashboard?: Partial<DashboardSettings>;
  /** See CentralAppOptions.trustProxy. */
  readonly trustProxy?: string;
}

export interface RunningCentral {
  readonly app: FastifyInstance;
  /** The store and the rest the routes use, for the operator commands and tests in-process. */
  readonly services: CentralServices;
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
  /** Resolves when the service stopped by itself, with why (its database file gone: CENTRAL_DB_LOST). */
  readonly stopped: Promise<CapbuError>;
}

export const DEFAULT_LISTEN = '127.0.0.1:8440';

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port > 65535) throw new CapbuError('USAGE', { usage: 'listen', command: 'central serve', value: listen });
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

function listenFailed(host: string, port: number, error: unknown): CapbuError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EADDRINUSE' ? 'inUse' : code === 'EACCES' ? 'denied' : undefined;
  return new CapbuError('LISTEN_FAILED', { listen: `${host}:${port}`, port, reason, problem: (error as Error).message }, { cause: error });
}

/**
 * LISTEN_FAILED naming the port when it is taken (say, by a centre still running), before the CA
 * key is proved or the store opened: the port is tried on its own first.
 */
export async function checkListen(listen: string): Promise<void> {
  const { host, port } = parseListen(listen);
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenFailed(host, port, error);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/** A clock that starts at `at` and then runs: drills can pin a date and still see time pass. */
export function clockFrom(at: Date | undefined): () => Date {
  if (!at) return () => new Date();
  const offset = at.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

export async function startCentral(config: CentralConfig): Promise<RunningCentral> {
  const now = config.now ?? clockFrom(undefined);
  const { host, port } = parseListen(config.listen ?? DEFAULT_LISTEN);
  const signers = await openSigners(config);
  // The store opens before the app that owns the logger: its lines go there once it exists.
  let app: FastifyInstance | undefined;
  const log: StoreLog = {
    warn: (details, message) => app?.log.warn(details, message),
    error: (details, message) => app?.log.error(details, message),
  };
  let lost!: (error: CapbuError) => void;
  const stopped = new Promise<CapbuError>((resolve) => (lost = resolve));
  let store;
  let acceptedNew;
  try {
    store = await openCentralStore(config.db, now(), { pool: config.dbPool, waitMs: config.dbWaitMs, log, onLost: (error) => lost(error) });
    acceptedNew = [];
    for (const { signer, key } of signers.values()) {
      const accepted = await checkIssuanceRecord(signer, store, { db: config.db, key: redactKey(key), newDatabase: config.newDatabase ?? false, at: now() });
      if (accepted) acceptedNew.push(accepted);
    }
  } catch (error) {
    await store?.close();
    await closeAll(signers);
    throw error;
  }
  try {
    // Renewals and certificates from before issuer keys get theirs (storage/issuer-keys.ts).
    await store.adoptIssuerKeys((der) => issuerKeyIdOf(campaignRenewing(config.campaigns, der)) || null);
    // An existing centre's certificates (or all of them, for another campaign) are decided now, not on the first report.
    await refreshStandings(store, config.campaigns);
  } catch (error) {
    await store.close();
    await closeAll(signers);
    throw error;
  }
  const services: CentralServices = {
    store,
    campaigns: config.campaigns,
    calendarOf: calendarsOf(config.campaigns),
    issuers: new Map([...signers].map(([id, { signer, newCa }]) => [id, prepareIssuer(newCa, markedBeforeSigning(signer, now))])),
    now,
    backdateMs: config.backdateMs ?? DEFAULT_BACKDATE_MS,
    overrideKey: config.overrideKey ?? null,
    limits: {
      kiosk: config.kioskLimit ?? DEFAULT_KIOSK_LIMIT,
      enrolment: config.enrolmentLimit ?? DEFAULT_ENROLMENT_LIMIT,
      events: config.eventQuota ?? DEFAULT_EVENT_QUOTA,
    },
  };
  app = await buildCentralApp({
    services,
    bodyLimit: config.bodyLimit,
    logger: config.logger,
    loggerInstance: config.loggerInstance,
    dashboard: config.dashboard,
    trustProxy: config.trustProxy,
  });
  for (const accepted of acceptedNew) app.log.warn(accepted, 'started on a new database although the CA key has issued before (--new-database)');
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await store.close();
      await closeAll(signers);
    })());
  // A service whose database is gone stops answering rather than answer from nowhere; the
  // kiosks' kept-alive connections get a moment for the replies under way, then are cut.
  void stopped.then(() => {
    setTimeout(() => app.server.closeAllConnections(), 500).unref();
    return close();
  });
  try {
    await app.listen({ host, port });
  } catch (error) {
    await close();
    throw listenFailed(host, port, error);
  }
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, services, url: `http://${shownHost}:${actual}`, close, stopped };
}

interface OpenedKey {
  readonly signer: CaSigner;
  /** As given (a pkcs11: URI may hold a PIN: redactKey before showing it). */
  readonly key: string;
  readonly newCa: CaCertificate;
}

/** Each campaign's new CA key, opened and proved to be that campaign's before anything listens. */
async function openSigners(config: CentralConfig): Promise<Map<string, OpenedKey>> {
  const keys = caKeysFor(config.campaigns, config.caKeys);
  const opened = new Map<string, OpenedKey>();
  try {
    for (const campaign of config.campaigns.campaigns) {
      const key = keys.get(campaign.id)!;
      const signer = await openCaSigner({ key, newCa: campaign.newCa, env: config.env ?? process.env, pinVariable: config.pinVariable });
      opened.set(campaign.id, { signer, key, newCa: campaign.newCa });
    }
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
  return opened;
}

/** One remembering calendar per campaign, for the service's life. */
function calendarsOf(campaigns: CampaignSet): (campaign: Campaign) => ZoneCalendar {
  const calendars = new Map(campaigns.campaigns.map((c) => [c.id, rememberingCalendar(c.timeZone)]));
  return (campaign) => calendars.get(campaign.id)!;
}

async function closeAll(signers: ReadonlyMap<string, { signer: CaSigner }>): Promise<void> {
  for (const { signer } of signers.values()) await signer.close();
}
