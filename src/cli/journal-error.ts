/** The `error` event a kiosk command leaves in the journal when it ends with an error code. */
import type { ErrorCode } from '../errors.js';
import { dataDir } from '../store/data-dir.js';
import { appendEvent } from '../store/journal.js';
import { loadSettings } from '../store/settings.js';
import { openStore } from '../store/store.js';
import { operatorName } from './operator.js';

/** The centre's commands have their own records, and a broken store cannot take the event. */
const NOT_KIOSK = new Set(['central', 'demo']);
const NO_STORE: readonly ErrorCode[] = ['STORE_FAILED', 'SETTINGS_INVALID'];

/** Best effort: failing to journal the error must never hide the error itself. */
export function journalError(command: string, code: ErrorCode, env: NodeJS.ProcessEnv): void {
  if (NOT_KIOSK.has(command) || NO_STORE.includes(code)) return;
  try {
    const home = dataDir(env);
    const operator = operatorName(undefined, loadSettings(home));
    const db = openStore(home);
    try {
      appendEvent(db, { type: 'error', operator, data: { command, code }, at: new Date() });
    } finally {
      db.close();
    }
  } catch {
    // The error line still reaches the operator.
  }
}
