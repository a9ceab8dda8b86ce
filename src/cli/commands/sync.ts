import { CapbuError } from '../../errors.js';
import { answerRenewal } from '../../renewal/renew.js';
import { unansweredRenewals } from '../../store/renewals.js';
import { clock, parseCommand, writeLine, type Context } from '../context.js';
import { renewalContext } from '../renewal-context.js';

/**
 * `capbu sync`: sends the renewal requests queued while the centre was out of reach. Issued
 * certificates wait in the store until their token is next renewed at this kiosk.
 * Exit 0 when nothing is left waiting, 3 when the centre is still out of reach.
 */
export async function sync(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, { server: { type: 'string' }, campaign: { type: 'string' }, module: { type: 'string' } });
  const at = clock(values.now);
  const pinned = values.now !== undefined;
  const renewal = renewalContext(ctx, values, () => (pinned ? at : new Date()));
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
  } finally {
    renewal.db.close();
  }
  writeLine(ctx.stdout, ctx.t.text('syncSummary', { issued, waiting, refused: refused.length }));
  for (const line of refused) writeLine(ctx.stdout, `  ${line}`);
  return waiting > 0 ? 3 : 0;
}
