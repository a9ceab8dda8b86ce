import { CapbuError } from '../../errors.js';
import { answerRenewal } from '../../renewal/renew.js';
import { unansweredRenewals } from '../../store/renewals.js';
import { pullRegistry } from '../../sync/pull-registry.js';
import { liveClock, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { isTransient } from '../../sync/send-renewal.js';
import { renewalContext } from '../renewal-context.js';

/**
 * `capbu sync`: sends the renewal requests queued while the centre was out of reach (issued
 * certificates wait in the store until their token is next renewed at this kiosk), then brings the
 * registry snapshot up to date for deciding offline.
 * Exit 0 when all went through, 3 when the centre is still out of reach.
 */
export async function syncCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'sync');
  const renewal = renewalContext(ctx, values, liveClock(values.now));
  let issued = 0;
  let waiting = 0;
  const refused: string[] = [];
  try {
    for (const record of unansweredRenewals(renewal.db)) {
      try {
        if (await answerRenewal(renewal, record)) issued++;
        else waiting++;
      } catch (error) {
        if (!(error instanceof CapbuError) || error.code !== 'SERVER_REJECTED') throw error;
        refused.push(`${record.oldSerial}: ${String(error.details.codes)}`);
      }
    }
    writeLine(ctx.stdout, ctx.t.text('syncSummary', { issued, waiting, refused: refused.length }));
    for (const line of refused) writeLine(ctx.stdout, `  ${line}`);
    try {
      const pulled = await pullRegistry(renewal.db, renewal.client, renewal.clock());
      writeLine(ctx.stdout, ctx.t.text('registryPulled', { ...pulled }));
    } catch (error) {
      if (!isTransient(error)) throw error;
      writeLine(ctx.stdout, ctx.t.text('registryNotPulled'));
      return 3;
    }
  } finally {
    renewal.db.close();
  }
  return waiting > 0 ? 3 : 0;
}
