/** Whether a module loads the way the one-shot commands load it, for `capbu doctor`. */
import { existsSync } from 'node:fs';
import { CapbuError } from '../errors.js';
import { fromPkcs11 } from './errors.js';
import { LOAD_TIMEOUT_MS, openModule, type ProbeResult } from './module.js';

/** Why not, with the module's CKR name or the loader's first line as the detail for support. */
export async function checkModule(path: string, timeoutMs = LOAD_TIMEOUT_MS): Promise<ProbeResult> {
  if (!existsSync(path)) return { ok: false, why: 'missing', detail: path };
  try {
    await openModule(path, timeoutMs);
    return { ok: true };
  } catch (error) {
    if (error instanceof CapbuError && error.code === 'MODULE_LOAD_TIMEOUT') return { ok: false, why: 'timeout', detail: `${timeoutMs} ms` };
    const cause = (error as Error).cause;
    const ckr = fromPkcs11(cause).details.ckr;
    const words = cause instanceof Error ? cause.message.split('\n')[0]! : 'error';
    return { ok: false, why: 'load-failed', detail: (typeof ckr === 'string' ? ckr : words).slice(0, 200) };
  }
}
