/**
 * A TCP proxy on 127.0.0.1 between a kiosk and the centre that misbehaves at random, seeded and
 * bounded: it drops connections before they reach the centre, delays them, cuts replies short and
 * resets connections mid-stream. After `faults` misdeeds it passes everything, so a storm ends.
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

export interface FaultProxy {
  readonly url: string;
  /** Misdeeds done so far, by kind. */
  readonly done: Record<'drop' | 'delay' | 'truncate' | 'reset', number>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, options: { seed: number; faults: number }): Promise<FaultProxy> {
  const { hostname, port } = new URL(target);
  const random = seeded(options.seed);
  const done = { drop: 0, delay: 0, truncate: 0, reset: 0 };
  let left = options.faults;
  const sockets = new Set<Socket>();
  const misbehave = () => left > 0 && random() < 0.8 && left-- > 0;

  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const roll = misbehave() ? random() : -1;
    if (roll >= 0 && roll < 0.25) {
      done.drop++;
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    let replyBytes = 0;
    // A reply cut after this many bytes (truncate), or the connection reset there (reset).
    const cutAt = roll >= 0.5 ? Math.floor(random() * 400) : Infinity;
    const cut = roll >= 0.75 ? 'reset' : 'truncate';
    upstream.on('data', (chunk: Buffer) => {
      if (replyBytes + chunk.length <= cutAt) {
        replyBytes += chunk.length;
        client.write(chunk);
        return;
      }
      client.write(chunk.subarray(0, Math.max(0, cutAt - replyBytes)));
      done[cut]++;
      if (cut === 'reset') client.resetAndDestroy();
      else client.end();
      upstream.destroy();
    });
    const start = () => client.pipe(upstream);
    if (roll >= 0.25 && roll < 0.5) {
      done.delay++;
      client.pause();
      setTimeout(() => {
        client.resume();
        start();
      }, Math.floor(random() * 1500));
    } else start();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    done,
    close: () =>
      new Promise<void>((closed) => {
        for (const s of sockets) s.destroy();
        server.close(() => closed());
      }),
  };
}
