/**
 * The central tests' world: the campaign's PKI (old and new CA with one name, another CA), the
 * campaign files and the new CA's key as PEM, a registry, subscriber certificates of each kind and
 * their CSRs, and a running centre with enrolled kiosks. Keys are made once per test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { afterAll } from 'vitest';
import type { CampaignSet } from '../../src/campaign/campaigns.js';
import type { SubscriberRecord } from '../../src/campaign/registry.js';
import { x509 } from '../../src/pki/x509.js';
import { startCentral, type CentralConfig, type RunningCentral } from '../../src/central/server.js';
import type { CredentialRole } from '../../src/central/storage/store.js';
import type { Channel, RenewalRequest } from '../../src/central/api.js';
import { loadCampaigns } from '../../src/store/files.js';
import { registryCsv } from '../../src/demo/campaign-files.js';
import { CAP_2020, writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import { generateKeys, issueSubscriber, RSA_ALG, spkiOf, type Pki, type SubscriberSubject } from '../../src/demo/pki.js';
import { CentralClient } from '../../src/sync/client.js';
import { normalizeSerial } from '../../src/pki/certificate.js';
import { BIN } from '../support/cli.js';
import { addKioskWithCode } from '../support/enrolment.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

export const NOW = new Date('2020-06-01T03:00:00Z');
export const CONTRACT_END = '2022-12-31';
/** 23:59:59 on the contract's last day in Hanoi. */
export const RENEWAL_NOT_AFTER = new Date('2022-12-31T16:59:59Z');

type KeyPair = webcrypto.CryptoKeyPair;

export interface Subscriber {
  readonly certificate: x509.X509Certificate;
  readonly der: Uint8Array;
  readonly serial: string;
  readonly keys: KeyPair;
}

export interface CentralWorld {
  readonly dir: string;
  readonly pki: Pki;
  readonly campaigns: CampaignSet;
  readonly campaignPath: string;
  readonly caKeyPath: string;
  /** The subscribers' key (shared: tests need many certificates, not many keys). */
  readonly keys: KeyPair;
  /** Some other key pair, for mismatched and forged requests. */
  readonly otherKeys: KeyPair;
  /** A certificate from the old CA, eligible once its serial is in the registry as active. */
  subscriber(name: string, options?: { province?: string; encoding?: 'utf8String' | 'bmpString'; issuer?: 'old' | 'other' | 'forged' }): Promise<Subscriber>;
  record(subscriber: Subscriber, overrides?: Partial<SubscriberRecord>): SubscriberRecord;
  csr(subscriber: Subscriber, options?: { keys?: KeyPair; subject?: x509.Name | string }): Promise<Uint8Array>;
  request(subscriber: Subscriber, csr: Uint8Array, overrides?: Partial<RenewalRequest>): RenewalRequest;
  writeRegistry(records: readonly SubscriberRecord[]): string;
}

let counter = 0;

export async function makeCentralWorld(): Promise<CentralWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-central-'));
  const [{ pki, campaignPath, newCaKeyPath: caKeyPath }, keys, otherKeys] = await Promise.all([
    writeCampaign2020(join(dir, 'campaign')),
    generateKeys(),
    generateKeys(),
  ]);
  const spki = await spkiOf(keys.publicKey);

  return {
    dir,
    pki,
    campaigns: loadCampaigns(campaignPath),
    campaignPath,
    caKeyPath,
    keys,
    otherKeys,
    subscriber: async (name, options = {}) => {
      const subject: SubscriberSubject = {
        commonName: name,
        taxCode: `01${String(++counter).padStart(8, '0')}`,
        province: options.province ?? 'Hà Nội',
        encoding: options.encoding,
      };
      const issuer = options.issuer === 'other' ? pki.otherCa : pki.oldCa;
      const certificate = await issueSubscriber(
        issuer,
        { subject, spki, notBefore: new Date('2018-03-01T02:00:00Z'), notAfter: CAP_2020 },
        options.issuer === 'forged' ? pki.otherCa.keys : undefined,
      );
      const der = new Uint8Array(certificate.rawData);
      return { certificate, der, serial: normalizeSerial(certificate.serialNumber), keys };
    },
    record: (s, overrides = {}) => ({
      serial: s.serial,
      taxCode: /MST:(\S+)/.exec(s.certificate.subject)?.[1] ?? '',
      contractEnd: CONTRACT_END,
      status: 'active',
      province: 'HN',
      ...overrides,
    }),
    csr: async (s, options = {}) => {
      const signing = options.keys ?? s.keys;
      const request = await x509.Pkcs10CertificateRequestGenerator.create({
        name: options.subject ?? s.certificate.subjectName,
        keys: signing,
        signingAlgorithm: RSA_ALG,
      });
      return new Uint8Array(request.rawData);
    },
    request: (s, csr, overrides = {}) => ({
      idempotencyKey: `key-${s.serial}-${Math.random().toString(36).slice(2)}`,
      oldCertificate: Buffer.from(s.der).toString('base64'),
      csr: Buffer.from(csr).toString('base64'),
      token: { serial: 'TK0001', manufacturer: 'Feitian', model: 'ePass2003', hardwareVersion: '1.0' },
      operator: 'nv.lan',
      channel: 'counter',
      ...overrides,
    }),
    writeRegistry: (records) => {
      const path = join(dir, `registry-${++counter}.csv`);
      writeFileSync(path, registryCsv(records));
      return path;
    },
  };
}

/** A CSR carrying the subscriber's public key but signed by another key: no proof of possession. */
export async function csrWithForeignSignature(world: CentralWorld, s: Subscriber): Promise<Uint8Array> {
  return world.csr(s, { keys: { publicKey: s.keys.publicKey, privateKey: world.otherKeys.privateKey } as KeyPair });
}

export interface KioskOptions {
  readonly province?: string;
  readonly channel?: Channel;
  /** A report credential instead of a kiosk's. */
  readonly role?: CredentialRole;
}

export interface Centre {
  readonly running: RunningCentral;
  readonly url: string;
  /** A kiosk added at the centre and enrolled through the API: its client. */
  kiosk(id: string, options?: KioskOptions): Promise<CentralClient>;
  /** The same, with the credential itself, for raw requests the typed client would never make. */
  enrolled(id: string, options?: KioskOptions): Promise<{ client: CentralClient; credential: string }>;
}

/** The credential each kiosk client was made with, for raw requests the typed client would never make. */
const credentials = new WeakMap<CentralClient, string>();

export function credentialOf(client: CentralClient): string {
  const credential = credentials.get(client);
  if (credential === undefined) throw new Error('not a kiosk client made by Centre.kiosk()');
  return credential;
}

export async function startCentre(world: CentralWorld, db: string, overrides: Partial<CentralConfig> = {}): Promise<Centre> {
  const running = await startCentral({
    campaigns: world.campaigns,
    caKeys: [world.caKeyPath],
    db,
    listen: '127.0.0.1:0',
    now: () => NOW,
    logger: false,
    // Each test's database is new by design, while one world's key issues into many of them;
    // the refusal this flag lifts is proved in issued-mark.test.ts.
    newDatabase: true,
    ...overrides,
  });
  // The centre's clock when the test gives one (it may move), else NOW.
  const clock = overrides.now ?? (() => NOW);
  const enrolled: Centre['enrolled'] = async (id, options = {}) => {
    const code = await addKioskWithCode(
      running.services.store,
      { id, role: options.role, province: options.province ?? 'HN', channel: options.channel ?? 'counter' },
      clock(),
    );
    const { credential } = await new CentralClient({ server: running.url }).enroll(code);
    const client = new CentralClient({ server: running.url, credential, now: clock });
    credentials.set(client, credential);
    return { client, credential };
  };
  return { running, url: running.url, enrolled, kiosk: async (id, options) => (await enrolled(id, options)).client };
}

export function sqlitePath(world: CentralWorld, name: string): string {
  const dir = join(world.dir, 'db');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.db`);
}

/** One of the centre's two databases, for `describe.each`. */
export interface Backend {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** A new, empty database (its path or URL); the label names a SQLite file. */
  db(label?: string): Promise<string>;
}

export interface CentralDatabases {
  /** Both backends, SQLite first. */
  readonly backends: readonly Backend[];
  /** A new, empty PostgreSQL database: its URL. */
  postgres(): Promise<string>;
}

/**
 * New databases for one test file: SQLite files in the world's folder, PostgreSQL databases on a
 * server of the file's own, started on first use and stopped after the file. Call it at the top of
 * the file. Each database is new, so tests share nothing but the server, whatever order they run in.
 */
export function centralDatabases(world: () => CentralWorld): CentralDatabases {
  let server: TestPostgres | undefined;
  afterAll(async () => {
    await server?.stop();
  });
  let files = 0;
  const postgres = async () => (server ??= await startPostgres()).newDatabase();
  return {
    backends: [
      { name: 'SQLite', db: async (label = 'centre') => sqlitePath(world(), `${label}-${++files}`) },
      { name: 'PostgreSQL', db: postgres },
    ],
    postgres,
  };
}

/** `capbu central serve` as its own process; resolves once it says where it listens, rejects with its stderr if it exits first. */
export function serveCentral(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'central', 'serve', ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stdout!.resume();
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

/** SIGTERM, and the exit code once it has exited. */
export async function stopServe(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}
