import { isoUtc } from '../../inspection/json.js';
import { PORTALS } from '../../renewal/receipt.js';
import { renew as renewToken, type RenewOutcome } from '../../renewal/renew.js';
import { liveClock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { readPinFromStdin } from '../pin.js';
import { renderInspection } from '../report.js';
import { operatorName, renewalContext } from '../renewal-context.js';
import { stepPrinter } from '../steps.js';

const EXIT: Record<RenewOutcome['status'], number> = { renewed: 0, 'already-renewed': 0, 'not-eligible': 1, pending: 3 };

/**
 * `capbu renew`: the customer's certificate renewed onto the same token under the same key.
 * Exit 0 renewed (or already), 1 not eligible, 2 error, 3 pending (queued until the centre answers).
 */
export async function renewCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'renew');
  const renewal = renewalContext(ctx, values, liveClock(values.now));
  // Ctrl-C stops at the next step where stopping is safe; a second one is the default hard stop.
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  try {
    const ask = {
      label: values.token,
      pin: await readPinFromStdin(ctx),
      finalTryConfirmed: values['final-try'] === true,
      operator: operatorName(values.operator, renewal),
    };
    const onStep = values.json ? undefined : stepPrinter(ctx.stderr, ctx.t);
    const outcome = await renewToken(renewal, ask, { onStep, signal: stop.signal });
    report(ctx, outcome, values.json === true);
    return EXIT[outcome.status];
  } finally {
    process.off('SIGINT', interrupt);
    renewal.db.close();
  }
}

function report(ctx: Context, outcome: RenewOutcome, json: boolean): void {
  const { t } = ctx;
  if (outcome.clockWarning) writeLine(ctx.stderr, `capbu: ${t.text('clockWarning')}`);
  if (outcome.status === 'not-eligible') {
    const candidate = outcome.inspection.candidate;
    if (json) {
      writeJson(ctx, { status: 'not-eligible', oldSerial: candidate?.facts.serial ?? null, reasons: candidate?.decision?.reasons ?? [] });
    } else {
      writeLine(ctx.stdout, renderInspection(outcome.inspection, t));
    }
    return;
  }
  if (outcome.status === 'pending') {
    if (json) writeJson(ctx, { status: 'pending', oldSerial: outcome.oldSerial, newSerial: null, notAfter: null, certificate: null });
    else writeLine(ctx.stdout, t.text('renewPending', { serial: outcome.oldSerial }));
    return;
  }
  if (json) {
    writeJson(ctx, {
      status: outcome.status,
      oldSerial: outcome.oldSerial,
      newSerial: outcome.newSerial,
      notAfter: isoUtc(outcome.notAfter),
      certificate: Buffer.from(outcome.certificate).toString('base64'),
    });
    return;
  }
  writeLine(ctx.stdout, t.text(outcome.status === 'renewed' ? 'renewDone' : 'renewAlready', {
    old: outcome.oldSerial,
    serial: outcome.newSerial,
    notAfter: isoUtc(outcome.notAfter),
  }));
  writeLine(ctx.stdout, t.text('portalsIntro'));
  for (const portal of PORTALS) writeLine(ctx.stdout, `  - ${t.text(`portal.${portal}`)}`);
  if (outcome.receiptPath) writeLine(ctx.stdout, t.text('receiptSaved', { path: outcome.receiptPath }));
}
