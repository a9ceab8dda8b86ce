/** Which tokens are plugged in, and what each says about itself and its user PIN. */
import { CapbuError } from '../errors.js';
import { guard } from './errors.js';
import type { TokenInfo } from 'pkcs11js';
import { pkcs11js, type Pkcs11 } from './module.js';

export interface PinFlags {
  /** A wrong PIN has been entered since the last good login. */
  readonly countLow: boolean;
  /** The next wrong PIN locks the token. */
  readonly finalTry: boolean;
  readonly locked: boolean;
}

/** The user PIN lengths the token accepts (CK_TOKEN_INFO ulMinPinLen, ulMaxPinLen). */
export interface PinLength {
  readonly min: number;
  readonly max: number;
}

export interface TokenSummary {
  readonly slot: Buffer;
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly hardwareVersion: string;
  readonly pin: PinFlags;
  /** Null when the token reports no usable limits. */
  readonly pinLength: PinLength | null;
  /** Free public memory in bytes, or null when the token does not say. */
  readonly freePublicMemory: number | null;
}

/** CK_UNAVAILABLE_INFORMATION (~0) and the "effectively infinite" (~0 − 1) both mean "unknown". */
function reported(value: number | bigint): number | null {
  const n = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  if (n >= 0xfffffffen || n < 0n) return null;
  return Number(n);
}

function pinLength(min: number | bigint, max: number | bigint): PinLength | null {
  const low = reported(min);
  const high = reported(max);
  if (low === null || high === null || high === 0 || low > high) return null;
  return { min: low, max: high };
}

export function pinFlags(flags: number): PinFlags {
  return {
    countLow: (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0,
    finalTry: (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0,
    locked: (flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0,
  };
}

export function describeToken(lib: Pkcs11, slot: Buffer): TokenSummary {
  return summarize(slot, guard(() => lib.C_GetTokenInfo(slot)));
}

function summarize(slot: Buffer, info: TokenInfo): TokenSummary {
  return {
    slot,
    label: info.label.trim(),
    serial: info.serialNumber.trim(),
    manufacturer: info.manufacturerID.trim(),
    model: info.model.trim(),
    hardwareVersion: `${info.hardwareVersion.major}.${info.hardwareVersion.minor}`,
    pin: pinFlags(info.flags),
    pinLength: pinLength(info.minPinLen, info.maxPinLen),
    freePublicMemory: reported(info.freePublicMemory as number | bigint),
  };
}

export interface SlotScan {
  readonly tokens: readonly TokenSummary[];
  /** Slots with a token present that was never initialised. */
  readonly uninitialised: number;
  /** Slots that failed to answer (SoftHSM2: a deleted token, CKR_GENERAL_ERROR until re-initialised). */
  readonly failing: number;
}

/** Every slot with a token present, tolerating slots that fail: for watching, not for acting. */
export function scanSlots(lib: Pkcs11): SlotScan {
  const tokens: TokenSummary[] = [];
  let uninitialised = 0;
  let failing = 0;
  for (const slot of guard(() => lib.C_GetSlotList(true))) {
    let info: TokenInfo;
    try {
      info = lib.C_GetTokenInfo(slot);
    } catch {
      // A pulled token errs until its module is re-initialised: counted, so the watcher does that.
      failing += 1;
      continue;
    }
    if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) uninitialised += 1;
    else tokens.push(summarize(slot, info));
  }
  return { tokens, uninitialised, failing };
}

/** Slots holding an initialised token (SoftHSM2 always adds one empty spare slot). */
export function listTokens(lib: Pkcs11): TokenSummary[] {
  const slots = guard(() => lib.C_GetSlotList(true));
  const tokens: TokenSummary[] = [];
  for (const slot of slots) {
    const info = guard(() => lib.C_GetTokenInfo(slot));
    if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
    tokens.push(summarize(slot, info));
  }
  return tokens;
}

/** The token a command works on: the one named, or the only one present. */
export function selectToken(tokens: readonly TokenSummary[], label?: string): TokenSummary {
  if (label !== undefined) {
    const match = tokens.find((t) => t.label === label);
    if (!match) throw new CapbuError('TOKEN_NOT_FOUND', { label });
    return match;
  }
  if (tokens.length === 0) throw new CapbuError('NO_TOKEN');
  if (tokens.length > 1) throw new CapbuError('SEVERAL_TOKENS', { labels: tokens.map((t) => t.label) });
  return tokens[0]!;
}
