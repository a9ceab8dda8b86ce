// `capbu` as built, dying (SIGKILL, as a power cut would) at the checkpoint CAPBU_CRASH_AT names.
// The crash switch is here in the test tree and nowhere in dist/: an installed kiosk, which runs
// dist/cli/bin.js, has no way to be told to crash.
import { setFaultHook } from '../../dist/token/faults.js';

const point = process.env.CAPBU_CRASH_AT;
if (point) {
  setFaultHook((reached) => {
    if (reached === point) process.kill(process.pid, 'SIGKILL');
  });
}
await import('../../dist/cli/bin.js');
