/**
 * One kiosk app per data directory: two would watch the same tokens, write the same store and,
 * on the demo, start two centres on one database. The running app's process id is kept in a file
 * there; a file left by an app that died (kill -9, a power cut) is taken over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { CapbuError } from '../errors.js';

const LOCK_FILE = 'kiosk-app.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Holds the data directory for this process until the returned release is called or the process exits. */
export function holdKioskApp(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      // Once only: if another start took the stale file over meanwhile, its process is alive.
      if (attempt > 0 || (Number.isInteger(holder) && holder !== process.pid && alive(holder))) {
        throw new CapbuError('KIOSK_APP_RUNNING', { dir: dataDir, pid: holder });
      }
      unlinkSync(path);
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
    } catch {
      // Already gone: nothing to give back.
    }
  };
  process.on('exit', release);
  return release;
}
