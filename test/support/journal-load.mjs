// A kiosk process journaling and syncing at once, for the kill -9 proof: appends events to the
// store in CAPBU_HOME, printing each seq once its transaction has committed, and every few events
// sends the journal to the centre it is enrolled with. Runs the built code, as a kiosk would.
// It starts work on a line on its standard input and ends untouched when that closes first: the
// test starts the next process while it kills this one (see journal-faults.ts).
import { openStore } from '../../dist/store/store.js';
import { appendEvent } from '../../dist/store/journal.js';
import { pushEvents } from '../../dist/sync/push-events.js';
import { kioskClient } from '../../dist/sync/enroll.js';

const told = await new Promise((resolve) => {
  process.stdin.once('data', () => resolve(true));
  process.stdin.once('end', () => resolve(false));
});
if (!told) process.exit(0);
const home = process.env.CAPBU_HOME;
const db = openStore(home);
const client = kioskClient(home, { timeoutMs: 5_000 });
for (let i = 0; ; i++) {
  const event = appendEvent(db, { type: 'error', operator: 'load', data: { command: 'load', code: `N${i}` }, at: new Date() });
  process.stdout.write(`${event.seq}\n`);
  if (i % 7 === 0) await pushEvents(db, client, { server: 'load', now: () => new Date(), batch: 5 });
}
