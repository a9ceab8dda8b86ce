/** Issue 12 §4 on the centre's SQLite store: a storm of faults, two kiosks at once, the centre killed -9 (test/support/journal-faults.ts). */
import { journalFaultTests } from './support/journal-faults.js';

journalFaultTests('sqlite');
