/**
 * `capbu central serve --workers N`: N processes of the same service on one listening socket
 * (node:cluster's primary hands each new connection to the next worker) and one store. One process
 * runs JavaScript on one core; issuance is mostly JavaScript (ASN.1, HTTP, JSON), so more cores
 * need more processes.
 *
 * What holds across processes: "one renewal per old certificate" is the renewals table's primary
 * key, which the database enforces whichever process inserts (SQLite in WAL mode serialises the
 * writers, waiting up to its busy timeout; PostgreSQL does the same with its own locks).
 * What does not: the rate limiter counts in each process's memory, so a kiosk whose connections
 * land on several workers gets up to N times --rate-limit per minute.
 */
import cluster, { type Worker } from 'node:cluster';

interface Ready {
  readonly capbuCentralReady: string;
}

const isReady = (message: unknown): message is Ready =>
  typeof message === 'object' && message !== null && typeof (message as Ready).capbuCentralReady === 'string';

/** In a worker: tells the primary the service listens, at which URL. */
export function reportReady(url: string): void {
  process.send?.({ capbuCentralReady: url } satisfies Ready);
}

export interface Workers {
  /** http://host:port, shared by every worker. */
  readonly url: string;
  /** Resolves, with what happened, when a worker exits unasked: the service is no longer whole. */
  readonly failed: Promise<string>;
  /** Asks every worker to close (finishing its requests) and waits for them to exit. */
  stop(): Promise<void>;
}

/**
 * In the primary: forks `count` workers running this same command line and resolves once all of
 * them listen. A worker that fails to start has already said why on the shared stderr, so the
 * others are stopped and the answer is null, with nothing more to say.
 */
export function startWorkers(count: number): Promise<Workers | null> {
  const workers: Worker[] = [];
  const exits: Promise<void>[] = [];
  let stopping = false;
  let failed!: (what: string) => void;
  const failure = new Promise<string>((resolve) => (failed = resolve));
  const stop = async () => {
    stopping = true;
    for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGTERM');
    await Promise.all(exits);
  };
  return new Promise<Workers | null>((resolve) => {
    let ready = 0;
    let url = '';
    for (let i = 0; i < count; i++) {
      const worker = cluster.fork();
      workers.push(worker);
      exits.push(
        new Promise<void>((exited) =>
          worker.once('exit', (code, signal) => {
            exited();
            if (stopping) return;
            if (ready < count) void stop().then(() => resolve(null));
            else failed(`central worker ${worker.process.pid} exited (${signal ?? code})`);
          }),
        ),
      );
      worker.on('message', (message: unknown) => {
        if (!isReady(message)) return;
        url = message.capbuCentralReady;
        if (++ready === count) resolve({ url, failed: failure, stop });
      });
    }
  });
}
