import { SYNC_TIMEOUT_MS } from '../../sync/backoff.js';
import { syncContext } from '../../renewal/renew.js';
import { allSent, syncRound, type SyncRound } from '../../sync/round.js';
import { stopper, watch } from '../../sync/watch.js';
import { liveClock, writeLine, type Context } from '../context.js';
import { parseCommand, usageError } from '../parse.js';
import { renewalContext } from '../renewal-context.js';

/**
 * `capbu sync [--server URL] [--json]`: sends the renewal requests queued while the centre was out
 * of reach, then the journal's unsent events, then brings the registry copy up to date.
 * Exit 0 when nothing is left unsent, 3 while the centre is out of reach (or something still waits).
 * `--watch [--interval SECONDS]` repeats it until SIGTERM or SIGINT, which end it after the batch
 * in flight.
 */
export async function syncCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'sync');
  if (values.interval !== undefined && !values.watch) throw usageError('needsOption', { command: 'sync', option: '--interval', needs: '--watch' });
  if (values.interval !== undefined && !/^\d{1,6}$/.test(values.interval)) {
    throw usageError('wholeNumber', { command: 'sync', option: '--interval', min: 0, value: values.interval });
  }
  const renewal = renewalContext(ctx, { ...values, command: 'sync', timeoutMs: SYNC_TIMEOUT_MS }, liveClock(values.now));
  const sync = syncContext(renewal);
  const json = values.json === true;
  try {
    if (!values.watch) {
      const round = await syncRound(sync);
      print(ctx, round, json);
      return allSent(round) ? 0 : 3;
    }
    const control = stopper();
    const stop = () => control.stop();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    try {
      await watch(() => syncRound(sync, { stopping: control.stopping }), Number(values.interval ?? 60) * 1000, control, (outcome) => {
        if ('round' in outcome) print(ctx, outcome.round, json);
        else writeLine(ctx.stderr, `capbu: ${outcome.error.code}: ${ctx.t.error(outcome.error.code, outcome.error.details)}`);
      });
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }
    return 0;
  } finally {
    renewal.db.close();
  }
}

function print(ctx: Context, round: SyncRound, json: boolean): void {
  if (json) {
    const { renewalsSent, eventsSent, acknowledgedSeq, registryVersion, eventsPending, renewalsPending } = round;
    // One line per round, so --watch --json is JSON Lines.
    writeLine(ctx.stdout, JSON.stringify({ renewalsSent, eventsSent, acknowledgedSeq, registryVersion, eventsPending, renewalsPending }));
    return;
  }
  const waiting = round.renewalsPending;
  writeLine(ctx.stdout, ctx.t.text('syncSummary', { issued: round.issued, waiting, refused: round.refused.length }));
  for (const r of round.refused) writeLine(ctx.stdout, `  ${r.oldSerial}: ${r.codes}`);
  writeLine(ctx.stdout, ctx.t.text('syncEvents', { sent: round.eventsSent, acknowledged: round.acknowledgedSeq, pending: round.eventsPending }));
  if (round.registryChanged === null) writeLine(ctx.stdout, ctx.t.text('registryNotPulled'));
  else writeLine(ctx.stdout, ctx.t.text('registryPulled', { changed: round.registryChanged, version: round.registryVersion }));
}
