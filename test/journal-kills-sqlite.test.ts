/** Issue 12 §4 on the centre's SQLite store: 100 seeded kill -9s of a kiosk journaling and syncing at once (test/support/journal-faults.ts). */
import { journalKillTests } from './support/journal-faults.js';

journalKillTests('sqlite');
