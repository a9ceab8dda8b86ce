/**
 * bench/kiosk: the kiosk app measured as it runs in a terminal (see run.ts for what and how).
 * Targets: first frame within 500 ms of start; verdict on screen within 150 ms of the slot
 * appearing; no frame gap over 200 ms during a renewal.
 */
import { ms, type Figures } from '../stats.js';
import { kioskBench } from './run.js';

const options = {
  starts: Number(process.env.BENCH_STARTS ?? 5),
  plugs: Number(process.env.BENCH_PLUGS ?? 20),
  renewals: Number(process.env.BENCH_RENEWALS ?? 2),
  signMs: Number(process.env.BENCH_SIGN_MS ?? 1000),
};

// Each part needs at least one run to have figures to print.
for (const [name, value] of Object.entries(options)) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench/kiosk: ${name} must be a whole number of at least 1, not ${value}`);
    process.exit(2);
  }
}

function line(name: string, f: Figures): string {
  return `${name.padEnd(46)} median ${ms(f.median).padStart(9)}  p90 ${ms(f.p90).padStart(9)}  (${f.runs} runs)`;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const r = await kioskBench(options);
console.log(line('start → first frame', r.firstFrame));
console.log(line('floor: node -e, start → first output', r.firstFrameFloor));
console.log(line('start → engine ready (status line filled)', r.ready));
console.log(line('slot seen (token.plugged) → verdict on screen', r.slotToVerdict));
console.log(line('floor: bare PKCS#11 read of the token', r.readFloor));
console.log(line('plug (folder renamed in) → verdict on screen', r.plugToVerdict));
console.log(line(`renewal, C_Sign slowed by ${options.signMs} ms`, r.renewal));
console.log(line('gap between frames during the renewal', r.frameGaps));
console.log(
  `first frame: p90 ${ms(r.firstFrame.p90)} against 500 ms: ${verdict(r.firstFrame.p90 <= 500)}; ratio to Node's start ${(r.firstFrame.median / r.firstFrameFloor.median).toFixed(2)}×`,
);
console.log(
  `verdict: worst ${ms(r.slotToVerdictWorst)} against 150 ms: ${verdict(r.slotToVerdictWorst <= 150)}; ratio to the bare read (medians) ${(r.slotToVerdict.median / r.readFloor.median).toFixed(1)}×`,
);
console.log(`frames: worst gap ${ms(r.frameGapWorst)} against 200 ms: ${verdict(r.frameGapWorst <= 200)}; the spinner's own period is 100 ms`);
