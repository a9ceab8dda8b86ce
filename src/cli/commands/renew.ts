import { CapbuError } from '../../errors.js';
import { isoUtc } from '../../inspection/json.js';
import { journalDecisions } from '../../inspection/journal.js';
import { PORTALS } from '../../renewal/receipt.js';
import { renew as renewToken, type RenewOutcome } from '../../renewal/renew.js';
import { liveClock, writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { readPinFromStdin } from '../pin.js';
import { grantLines, renderInspection } from '../report.js';
import { widthOf, wrap } from '../wrap.js';
import { dateFor } from '../../i18n/dates.js';
import { homeZone, type CampaignSet } from '../../campaign/campaigns.js';
import { operatorName } from '../operator.js';
import { renewalContext } from '../renewal-context.js';
import { printSyncWarnings } from '../sync-warnings.js';
import { stepPrinter } from '../steps.js';

const EXIT: Record<RenewOutcome['status'], number> = { renewed: 0, 'already-renewed': 0, 'not-eligible': 1, pending: 3 };

/**
 * `capbu renew`: the customer's certificate renewed onto the same token under the same key.
 * Exit 0 renewed (or already), 1 not eligible, 2 error, 3 pending (queued until the centre answers).
 */
export async function renewCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'renew');
  if (!values['pin-stdin']) throw new CapbuError('PIN_MISSING', { option: '--pin-stdin' });
  const renewal = renewalContext(ctx, { ...values, command: 'renew' }, liveClock(values.now));
  await renewal.openToken(values.token);
  // Ctrl-C stops at the next step where stopping is safe; a second one is the default hard stop.
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.once('SIGINT', interrupt);
  try {
    const ask = {
      label: values.token,
      pin: await readPinFromStdin(ctx),
      finalTryConfirmed: values['final-try'] === true,
      operator: operatorName(values.operator, renewal.settings),
      override: values.override,
    };
    const onStep = values.json ? undefined : stepPrinter(ctx.stderr, ctx.t, widthOf(ctx.stderr, ctx.env));
    const outcome = await renewToken(renewal, ask, { onStep, signal: stop.signal });
    if (outcome.status === 'not-eligible') journalDecisions(renewal.db, outcome.inspection, ask.operator, renewal.clock());
    printSyncWarnings(ctx, renewal.db, renewal.dataDir, renewal.settings, renewal.clock());
    report(ctx, outcome, values.json === true, renewal.campaigns, renewal.settings.supportLine);
    return EXIT[outcome.status];
  } finally {
    process.off('SIGINT', interrupt);
    renewal.db.close();
  }
}

function report(ctx: Context, outcome: RenewOutcome, json: boolean, campaigns: CampaignSet, supportLine: string): void {
  const { t } = ctx;
  const width = widthOf(ctx.stdout, ctx.env);
  const say = (text: string) => writeLine(ctx.stdout, wrap(text, width));
  if (outcome.clockWarning) writeLine(ctx.stderr, wrap(`capbu: ${t.text('clockWarning')}`, widthOf(ctx.stderr, ctx.env)));
  if (outcome.status === 'not-eligible') {
    const candidate = outcome.inspection.candidate;
    if (json) {
      writeJson(ctx, { status: 'not-eligible', oldSerial: candidate?.facts.serial ?? null, reasons: candidate?.decision?.reasons ?? [] });
    } else {
      say(renderInspection(outcome.inspection, t, campaigns, undefined, supportLine));
    }
    return;
  }
  if (outcome.status === 'pending') {
    if (json) writeJson(ctx, { status: 'pending', oldSerial: outcome.oldSerial, newSerial: null, notAfter: null, certificate: null });
    else say(t.text('renewPending', { serial: outcome.oldSerial }));
    return;
  }
  if (json) {
    writeJson(ctx, {
      status: outcome.status,
      oldSerial: outcome.oldSerial,
      newSerial: outcome.newSerial,
      notAfter: isoUtc(outcome.notAfter),
      certificate: Buffer.from(outcome.certificate).toString('base64'),
      compensation: outcome.receipt?.compensation ?? null,
      paidExtension: outcome.receipt?.paidExtension ?? null,
    });
    return;
  }
  say(
    t.text(outcome.status === 'renewed' ? 'renewDone' : 'renewAlready', {
      old: outcome.oldSerial,
      serial: outcome.newSerial,
      notAfter: dateFor(outcome.notAfter, homeZone(campaigns)),
    }),
  );
  if (outcome.grant) {
    const decision = { grant: outcome.grant, warnings: outcome.grant.paid?.cappedDays ? (['PAID_PERIOD_CAPPED'] as const) : [], rollout: null };
    for (const line of grantLines(decision, t, campaigns.campaigns[0])) say(line);
  }
  say(t.text('portalsIntro'));
  for (const portal of PORTALS) say(`  - ${t.text(`portal.${portal}`)}`);
  if (outcome.receiptPath) say(t.text('receiptSaved', { path: outcome.receiptPath }));
}
