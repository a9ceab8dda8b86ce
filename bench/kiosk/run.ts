/**
 * bench/kiosk, the measuring: the built app (`capbu kiosk --demo`) in a real pseudo-terminal at
 * 80×24 (util-linux `script`), read byte by byte as the terminal gets them. Four figures, each with
 * its floor from the same run:
 * - start to first frame (the frame's rule drawn) of `capbu kiosk` as a store machine runs it,
 *   against Node starting in the same terminal;
 * - the slot appearing to the app (its `token.plugged`, journaled the moment the watch reports
 *   it) to the verdict on screen, over repeated plugs, against the bare PKCS#11 read of the same
 *   tokens (open, list and read every object) in this process; and the plug itself (the token's
 *   folder renamed in) to the verdict, which adds the detection's debounce;
 * - the gaps between frames during a renewal on a token slowed by the shim module (each C_Sign
 *   waits as a real token's RSA signature does), against the spinner's own 100 ms period.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import { pullDemoTokens, plugDemoToken } from '../../src/demo/shelf.js';
import { DEBIAN_SOFTHSM2, loadModule, reinitialiseModule } from '../../src/token/module.js';
import { readToken } from '../../src/token/read.js';
import { listTokens } from '../../src/token/slots.js';
import { buildShim } from '../../test/support/shim.js';
import { figures, type Figures } from '../stats.js';

export interface KioskBenchOptions {
  /** App starts timed (each quits once its engine is ready). */
  readonly starts: number;
  /** Plugs timed, cycling over the customers who are only looked at. */
  readonly plugs: number;
  /** Renewals on the slowed token (at most two: the demo's eligible customers 1 and 9). */
  readonly renewals: number;
  /** How long each C_Sign waits in the shim. */
  readonly signMs: number;
}

export interface KioskBenchResult {
  readonly firstFrame: Figures;
  readonly firstFrameFloor: Figures;
  readonly ready: Figures;
  readonly slotToVerdict: Figures;
  readonly slotToVerdictWorst: number;
  readonly plugToVerdict: Figures;
  readonly readFloor: Figures;
  readonly frameGaps: Figures;
  readonly frameGapWorst: number;
  readonly renewal: Figures;
}

const BIN = resolve('dist/cli/bin.js');
const SHIM_SOURCE = resolve('test/support/shim/pkcs11-shim.c');
/** The customers whose tokens are plugged and pulled (never renewed), and those renewed. */
const LOOKED_AT = ['3', '4', '5', '6', '7', '8', '0'];
const RENEWED = ['1', '9'];

/** Wall-clock milliseconds with a fraction, comparable with the journal's instants. */
const wall = () => performance.timeOrigin + performance.now();
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

interface Chunk {
  readonly at: number;
  readonly text: string;
}

/** A program in a pseudo-terminal of 80×24, its output kept with the time each piece arrived. */
class Terminal {
  readonly chunks: Chunk[] = [];
  readonly started = wall();
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(command: string, env: NodeJS.ProcessEnv) {
    const quoted = command.replace(/'/g, `'\\''`);
    this.child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${quoted}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout!.on('data', (data: Buffer) => {
      this.chunks.push({ at: wall(), text: data.toString('utf8').replace(ANSI, '') });
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
  }

  write(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** The first chunk from `from` on whose text, joined with the ones before it, holds `text`. */
  async waitFor(text: string, from = 0, timeoutMs = 60_000): Promise<{ index: number; at: number }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      let joined = '';
      for (let i = from; i < this.chunks.length; i++) {
        joined += this.chunks[i]!.text;
        // A frame may come in several pieces: keep only the tail a match could straddle.
        if (joined.includes(text)) return { index: i, at: this.chunks[i]!.at };
        joined = joined.slice(-text.length * 4);
      }
      if (Date.now() > until) throw new Error(`no "${text}" on the screen within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 100);
      });
    }
  }

  async close(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }

  async quit(): Promise<void> {
    this.write('\x03');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function kioskEnv(world: DemoWorld): NodeJS.ProcessEnv {
  return { ...process.env, ...world.env, CI: 'false', LANG: 'C.UTF-8' };
}

/** The app as a store machine starts it, on the demo world's store and tokens (no demo centre). */
function plainKiosk(world: DemoWorld): Terminal {
  return new Terminal(`${process.execPath} ${BIN} kiosk --operator lan`, kioskEnv(world));
}

/** The demo app, its centre on loopback, its token made slow by the shim. */
function demoKiosk(world: DemoWorld, shim: string, signMs: number): Terminal {
  const env = { ...kioskEnv(world), CAPBU_SHIM_SLOW_SIGN_MS: String(signMs) };
  return new Terminal(`${process.execPath} ${BIN} kiosk --demo --dir ${world.directory} --operator lan --module ${shim}`, env);
}

interface PluggedEvent {
  readonly at: string;
  readonly type: string;
  readonly data: { readonly label?: string };
}

function journalOf(world: DemoWorld): PluggedEvent[] {
  const out = execFileSync(process.execPath, [BIN, 'journal', '--json'], { env: { ...process.env, ...world.env }, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PluggedEvent);
}

/** The floor: this process reads each token bare, as soon as the module shows it. */
function bareReads(world: DemoWorld, rounds: number): number[] {
  process.env.SOFTHSM2_CONF = world.env.SOFTHSM2_CONF;
  const lib = loadModule(DEBIAN_SOFTHSM2);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const customer = plugDemoToken(world, LOOKED_AT[i % LOOKED_AT.length]!);
    let token;
    do {
      reinitialiseModule(DEBIAN_SOFTHSM2);
      token = listTokens(lib).find((t) => t.label === customer.token);
    } while (!token);
    const start = performance.now();
    readToken(lib, token);
    samples.push(performance.now() - start);
    pullDemoTokens(world);
  }
  reinitialiseModule(DEBIAN_SOFTHSM2);
  return samples;
}

/** Node itself starting in the same kind of terminal and writing one character. */
async function nodeStarts(runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const term = new Terminal(`${process.execPath} -e "process.stdout.write('─')"`, process.env);
    samples.push((await term.waitFor('─')).at - term.started);
    await term.close();
  }
  return samples;
}

export async function kioskBench(options: KioskBenchOptions): Promise<KioskBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'capbu-bench-kiosk-'));
  execFileSync(process.execPath, [BIN, 'demo', dir], { stdio: 'ignore' });
  const world = readDemoWorld(dir)!;
  const shim = buildShim(SHIM_SOURCE);
  const readFloor = bareReads(world, Math.max(options.plugs, 3));
  const firstFrameFloor = await nodeStarts(options.starts);

  // Start to first frame (its rule), and to the engine being ready (the registry's age shown).
  const firstFrames: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < options.starts; i++) {
    const term = plainKiosk(world);
    firstFrames.push((await term.waitFor('────')).at - term.started);
    ready.push((await term.waitFor('DS thuê bao:')).at - term.started);
    await term.quit();
  }

  const term = demoKiosk(world, shim, options.signMs);
  await term.waitFor('DEMO-QUAY-01');
  await term.waitFor('Cắm USB token của khách hàng');
  const journalFrom = journalOf(world).length;

  // Repeated plugs: the folder renamed in, the verdict drawn, the token pulled.
  const plugs: { readonly label: string; readonly pluggedAt: number; readonly verdictAt: number }[] = [];
  for (let i = 0; i < options.plugs; i++) {
    const mark = term.chunks.length;
    const pluggedAt = wall();
    const customer = plugDemoToken(world, LOOKED_AT[i % LOOKED_AT.length]!);
    const verdict = await term.waitFor(customer.token, mark);
    plugs.push({ label: customer.token, pluggedAt, verdictAt: verdict.at });
    const pulled = term.chunks.length;
    pullDemoTokens(world);
    await term.waitFor('Cắm USB token của khách hàng', pulled);
  }
  const seen = journalOf(world)
    .slice(journalFrom)
    .filter((e) => e.type === 'token.plugged');
  if (seen.length !== plugs.length) throw new Error(`${plugs.length} plugs, ${seen.length} token.plugged events`);
  const slotToVerdict = plugs.map((p, i) => {
    if (seen[i]!.data.label !== p.label) throw new Error(`plug ${i}: ${p.label}, journaled ${String(seen[i]!.data.label)}`);
    return p.verdictAt - Date.parse(seen[i]!.at);
  });

  // Renewals on the slowed token: every gap between two pieces of output, Enter to done.
  const gaps: number[] = [];
  const renewals: number[] = [];
  for (const key of RENEWED.slice(0, options.renewals)) {
    let mark = term.chunks.length;
    const customer = plugDemoToken(world, key);
    await term.waitFor(customer.token, mark);
    await term.waitFor('Thuộc diện cấp bù', mark);
    mark = term.chunks.length;
    term.write('\r');
    await term.waitFor('Mã PIN:', mark);
    term.write('viettel-ca');
    await term.waitFor('••••••••••', mark);
    mark = term.chunks.length;
    const start = wall();
    term.write('\r');
    const done = await term.waitFor('Đã cấp bù thời hạn chứng thư số', mark, 120_000);
    renewals.push(done.at - start);
    // Pieces of one frame arrive within a few ms of each other: a frame is what comes together.
    let last = start;
    for (const chunk of term.chunks.slice(mark, done.index + 1)) {
      if (chunk.at - last > 5) gaps.push(chunk.at - last);
      last = chunk.at;
    }
    mark = term.chunks.length;
    pullDemoTokens(world);
    await term.waitFor('Cắm USB token của khách hàng', mark);
  }
  await term.quit();

  return {
    firstFrame: figures(firstFrames),
    firstFrameFloor: figures(firstFrameFloor),
    ready: figures(ready),
    slotToVerdict: figures(slotToVerdict),
    slotToVerdictWorst: Math.max(...slotToVerdict),
    plugToVerdict: figures(plugs.map((p) => p.verdictAt - p.pluggedAt)),
    readFloor: figures(readFloor),
    frameGaps: figures(gaps),
    frameGapWorst: Math.max(...gaps),
    renewal: figures(renewals),
  };
}

