/**
 * A TCP proxy on 127.0.0.1 between a kiosk and the centre that misbehaves at random, seeded and
 * bounded, once per HTTP request (not per connection: the kiosk keeps its connection alive, and
 * a fault decided per connection would spare every request after the first). A request may be
 * dropped partway through its upload, held back for a while, have its reply cut short (after the
 * centre has done the work) or reset mid-stream. After `faults` misdeeds it passes everything, so
 * a storm ends. The kiosk's client sends one request at a time on a connection and waits for its
 * reply, so a request starts with the first bytes that come after reply bytes.
 */
import { createServer, connect, type Socket } from 'node:net';

/** mulberry32: a small seeded generator, so a failing storm can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind = 'drop' | 'delay' | 'truncate' | 'reset';

export interface FaultProxy {
  readonly url: string;
  /** Misdeeds done so far, by kind. */
  readonly done: Record<FaultKind, number>;
  /** Requests seen so far, faulty or not. */
  readonly requests: () => number;
  close(): Promise<void>;
}

export interface FaultOptions {
  readonly seed: number;
  /** How many misdeeds in all; 0 makes a plain proxy. */
  readonly faults: number;
  /** Told of each request as its first bytes go through to the centre, numbered from 1. */
  readonly onRequest?: (n: number) => void;
}

export async function startFaultProxy(target: string, options: FaultOptions): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const random = seeded(options.seed);
  const done: Record<FaultKind, number> = { drop: 0, delay: 0, truncate: 0, reset: 0 };
  let left = options.faults;
  let requests = 0;
  const sockets = new Set<Socket>();
  const pick = (): FaultKind | null => {
    if (left <= 0 || random() >= 0.8) return null;
    left--;
    return (['drop', 'delay', 'truncate', 'reset'] as const)[Math.floor(random() * 4)]!;
  };

  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);

    // This request's fault, and how far its reply goes before a cut.
    let fault: FaultKind | null = null;
    let cutAt = Infinity;
    let replyBytes = 0;
    let betweenRequests = true;
    // Bytes held back while a delayed request waits.
    let held: Buffer[] | null = null;

    client.on('data', (chunk: Buffer) => {
      if (betweenRequests) {
        betweenRequests = false;
        replyBytes = 0;
        cutAt = Infinity;
        fault = pick();
        if (fault) done[fault]++;
        if (fault === 'drop') {
          // Part of the request reaches the centre, then the connection is gone.
          upstream.write(chunk.subarray(0, Math.floor(random() * chunk.length)));
          client.resetAndDestroy();
          upstream.destroy();
          return;
        }
        options.onRequest?.(++requests);
        if (fault === 'truncate' || fault === 'reset') cutAt = Math.floor(random() * 400);
        if (fault === 'delay') {
          held = [];
          setTimeout(() => {
            for (const c of held ?? []) upstream.write(c);
            held = null;
          }, Math.floor(random() * 1500));
        }
      }
      if (held) held.push(chunk);
      else upstream.write(chunk);
    });

    upstream.on('data', (chunk: Buffer) => {
      betweenRequests = true;
      if (replyBytes + chunk.length <= cutAt) {
        replyBytes += chunk.length;
        client.write(chunk);
        return;
      }
      client.write(chunk.subarray(0, Math.max(0, cutAt - replyBytes)));
      if (fault === 'reset') client.resetAndDestroy();
      else client.end();
      upstream.destroy();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    done,
    requests: () => requests,
    close: () =>
      new Promise<void>((closed) => {
        for (const s of sockets) s.destroy();
        server.close(() => closed());
      }),
  };
}
