/**
 * A throw-away world for one test file: its own SoftHSM2 token directory, the campaign's PKI
 * (2015–2020 old CA, 2019–2024 new CA, same name), campaign files and a kiosk data directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubscriberRecord } from '../../src/campaign/registry.js';
import { registryCsv } from '../../src/demo/campaign-files.js';
import { CAP_2020, writeCampaign2020 } from '../../src/demo/campaign-2020.js';
import type { Pki, SubscriberSubject } from '../../src/demo/pki.js';
import { placeCertificate } from '../../src/demo/customer.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import type { KeyAlgorithm } from '../../src/token/write.js';
import { softHsmConfig } from '../../src/demo/softhsm.js';
import { DEBIAN_SOFTHSM2, loadModule, type Pkcs11 } from '../../src/token/module.js';
import { initToken } from '../../src/token/provision.js';
import type { TokenSummary } from '../../src/token/slots.js';
import { runCapbu, type RunResult } from './cli.js';

export { CAP_2020 as CAP };
export const NOW = '2020-06-01T03:00:00Z';
export const USER_PIN = '123456';
export const SO_PIN = '87654321';

export interface World {
  readonly dir: string;
  readonly lib: Pkcs11;
  readonly pki: Pki;
  readonly campaignPath: string;
  /** The new CA's private key as PEM, for a centre that issues in this world. */
  readonly newCaKeyPath: string;
  /** Environment for capbu child processes: this world's tokens, campaign and data directory. */
  readonly env: NodeJS.ProcessEnv;
  newToken(label: string, userPin?: string): TokenSummary;
  /** A fresh token holding a subscriber certificate from the old CA, capped at the cap date. */
  subscriberToken(label: string, subject: SubscriberSubject, options?: SubscriberOptions): Promise<Placed>;
  importRegistry(records: readonly SubscriberRecord[]): Promise<RunResult>;
  capbu(args: string[], stdin?: string): Promise<RunResult>;
  /**
   * Points `env` and `capbu` at a new, empty kiosk data directory (the tokens stay): for tests
   * that each need a kiosk of their own. Returns the directory.
   */
  newHome(): string;
}

export interface SubscriberOptions {
  readonly userPin?: string;
  readonly algorithm?: KeyAlgorithm;
  readonly keyOnToken?: boolean;
}

export interface Placed {
  readonly serial: string;
  readonly der: Uint8Array;
}

export async function makeWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-test-'));
  // Before the module loads: SoftHSM2 reads its config once, at C_Initialize.
  process.env.SOFTHSM2_CONF = softHsmConfig(join(dir, 'hsm'));
  const lib = loadModule(DEBIAN_SOFTHSM2);
  const { pki, campaignPath, newCaKeyPath } = await writeCampaign2020(join(dir, 'campaign'));
  const env = {
    SOFTHSM2_CONF: process.env.SOFTHSM2_CONF,
    CAPBU_HOME: join(dir, 'home'),
    CAPBU_CAMPAIGN: campaignPath,
    CAPBU_PKCS11_MODULE: DEBIAN_SOFTHSM2,
    CAPBU_LANG: 'en',
  };
  const capbu = (args: string[], stdin?: string) => runCapbu(args, { env, stdin });
  return {
    dir,
    lib,
    pki,
    campaignPath,
    newCaKeyPath,
    env,
    newToken: (label, userPin = USER_PIN) => initToken(lib, { label, soPin: SO_PIN, userPin }),
    subscriberToken: async (label, subject, options = {}) => {
      const userPin = options.userPin ?? USER_PIN;
      const token = initToken(lib, { label, soPin: SO_PIN, userPin });
      const placed = await placeCertificate(lib, token, userPin, {
        subject,
        issuer: pki.oldCa,
        notBefore: new Date('2018-03-01T02:00:00Z'),
        notAfter: CAP_2020,
        algorithm: options.algorithm,
        keyOnToken: options.keyOnToken,
      });
      const der = new Uint8Array(placed.certificate.rawData);
      return { serial: parseCertificate(der).serial, der };
    },
    importRegistry: (records) => {
      const file = join(dir, `registry-${Date.now()}-${Math.random()}.csv`);
      writeFileSync(file, registryCsv(records));
      return capbu(['registry', 'import', file]);
    },
    capbu,
    newHome: () => (env.CAPBU_HOME = mkdtempSync(join(dir, 'home-'))),
  };
}
