/**
 * `--ca-key KEY`: a PEM private key file, or an RFC 7512 PKCS#11 URI (the key in an HSM, its PIN
 * in an environment variable so it never appears in a command line or a log).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CaCertificate } from '../campaign/campaign.js';
import { CapbuError } from '../errors.js';
import { HsmPin } from './hsm-pin.js';
import { fileMarker } from './issued-marker.js';
import { algorithmFor, assertSignerMatches, signWithKeyObject, type CaSigner } from './signer.js';

export interface CaKeyOptions {
  readonly key: string;
  readonly newCa: CaCertificate;
  readonly env: NodeJS.ProcessEnv;
  /** Name of the environment variable holding the HSM PIN. */
  readonly pinVariable?: string;
}

function pemSigner(path: string, newCa: CaCertificate): CaSigner {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    // Missing or unreadable, the operator's fix is the same: the path the message names.
    throw new CapbuError('CA_KEY_NOT_FOUND', { key: path });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(bytes);
  } catch (error) {
    throw new CapbuError('CA_KEY_INVALID', { key: path, problem: 'not an unencrypted PEM private key' }, { cause: error });
  }
  const algorithm = algorithmFor(newCa.publicKey);
  if (!algorithm) throw new CapbuError('CA_KEY_INVALID', { key: path, problem: 'unsupported key type' });
  return { algorithm, sign: (data) => signWithKeyObject(key, newCa, data), marker: fileMarker(path, newCa), close: async () => undefined };
}

/** Opens the key and checks it is the new CA certificate's key before anything is issued with it. */
export async function openCaSigner(options: CaKeyOptions): Promise<CaSigner> {
  let signer: CaSigner;
  if (options.key.startsWith('pkcs11:')) {
    const pin = HsmPin.fromEnv(options.env, options.pinVariable);
    const { openHsmSigner } = await import('./hsm-signer.js');
    signer = openHsmSigner({ uri: options.key, pin, newCa: options.newCa, env: options.env });
  } else {
    signer = pemSigner(options.key, options.newCa);
  }
  try {
    await assertSignerMatches(signer, options.newCa, redactKey(options.key));
  } catch (error) {
    await signer.close();
    throw error;
  }
  return signer;
}

/** A PKCS#11 URI may carry pin-value in its query: never repeat it. */
export function redactKey(key: string): string {
  return key.startsWith('pkcs11:') ? key.split('?')[0]! : key;
}
