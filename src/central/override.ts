/**
 * The centre's side of supervisors' overrides (src/campaign/override.ts): its Ed25519 key, read
 * from a PEM file (`openssl genpkey -algorithm ed25519`), signs them and checks them again when a
 * renewal carries one. Kiosks hold only the public half, in their settings.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { CapbuError } from '../errors.js';
import { overridePayload, overrideText, overrideVerifyKey, type RolloutOverride } from '../campaign/override.js';

/** The key in a PEM file's text: a private key can sign and check, a public one only check. */
export function parseOverrideKey(text: string): { readonly signing: KeyObject | null; readonly verifying: KeyObject } {
  if (!text.includes('PRIVATE KEY')) return { signing: null, verifying: overrideVerifyKey(text) };
  let signing: KeyObject;
  try {
    signing = createPrivateKey(text);
  } catch (error) {
    throw new CapbuError('OVERRIDE_KEY_INVALID', {}, { cause: error });
  }
  if (signing.asymmetricKeyType !== 'ed25519') throw new CapbuError('OVERRIDE_KEY_INVALID');
  return { signing, verifying: createPublicKey(signing) };
}

/** The text a supervisor sends to the agent. */
export function signOverride(signing: KeyObject, override: RolloutOverride): string {
  const payload = overridePayload(override);
  return overrideText(payload, sign(null, payload, signing));
}
