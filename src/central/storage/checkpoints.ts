/**
 * With `serve --workers N` on SQLite, the primary copies the write-ahead log back into the
 * database file on a timer. Left to SQLite, the worker whose commit crosses a thousand logged
 * pages does it, with an fsync, while its requests wait; on a timer the pages written again and
 * again between two checkpoints (index pages above all) are copied once.
 */
import Database from 'better-sqlite3';

export interface Checkpoints {
  stop(): void;
}

export const CHECKPOINT_EVERY_MS = 1000;

export function startCheckpoints(path: string, everyMs = CHECKPOINT_EVERY_MS): Checkpoints {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  // PASSIVE never waits for the workers' readers or writers: what it cannot copy now, it copies next time.
  const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
  const timer = setInterval(checkpoint, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      checkpoint();
      db.close();
    },
  };
}
