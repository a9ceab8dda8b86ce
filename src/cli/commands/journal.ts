/**
 * `capbu journal [--since SEQ] [--limit N] [--json]`: the kiosk's journal, as a table in the
 * campaign's time zone or as JSON Lines exactly as hashed. `capbu journal verify [--json]` walks the
 * whole chain: exit 0 intact, 1 broken (naming the first bad seq and what happened), 2 on errors.
 */
import { eventLine } from '../../journal/format.js';
import { dataDir } from '../../store/data-dir.js';
import { eventsSince, verifyJournal } from '../../store/journal.js';
import { openStore } from '../../store/store.js';
import { writeJson, writeLine, type Context } from '../context.js';
import { parseCommand, usageError } from '../parse.js';
import { campaignPath, loadCampaign } from '../../store/files.js';
import { journalTable } from '../journal-table.js';

const PAGE = 1_000;

function count(flag: string | undefined, name: string, fallback: number): number {
  if (flag === undefined) return fallback;
  if (!/^\d{1,15}$/.test(flag)) throw usageError('wholeNumber', { command: 'journal', option: name, min: 0, value: flag });
  return Number(flag);
}

export async function journalCommand(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'journal');
  const [action, ...extra] = positionals;
  if (action !== undefined && action !== 'verify') throw usageError('unknownSubcommand', { command: 'journal', name: action, choices: ['verify'] });
  if (extra.length > 0) throw usageError('unexpectedArgument', { command: 'journal', value: extra[0]! });
  if (action === 'verify') return verify(ctx, values.json === true);
  const since = count(values.since, '--since', 0);
  const limit = count(values.limit, '--limit', Number.MAX_SAFE_INTEGER);
  const zone = values.json ? null : loadCampaign(campaignPath(values.campaign, ctx.env)).timeZone;
  const db = openStore(dataDir(ctx.env));
  try {
    // Page through, so a long journal never sits in memory whole.
    let after = since;
    let left = limit;
    let printed = 0;
    while (left > 0) {
      const events = eventsSince(db, after, Math.min(PAGE, left));
      if (events.length === 0) break;
      if (zone === null) for (const e of events) writeLine(ctx.stdout, eventLine(e));
      else writeLine(ctx.stdout, journalTable(events, zone, ctx.t, printed === 0));
      printed += events.length;
      left -= events.length;
      after = events.at(-1)!.seq;
    }
    if (printed === 0 && zone !== null) writeLine(ctx.stdout, ctx.t.text('journalEmpty'));
    return 0;
  } finally {
    db.close();
  }
}

function verify(ctx: Context, json: boolean): number {
  const db = openStore(dataDir(ctx.env));
  let verdict;
  try {
    verdict = verifyJournal(db);
  } finally {
    db.close();
  }
  if (json) writeJson(ctx, verdict);
  else if (verdict.ok) writeLine(ctx.stdout, ctx.t.text('journalIntact', { events: verdict.events }));
  else writeLine(ctx.stdout, ctx.t.text('journalBroken', { seq: verdict.firstBad!, problem: ctx.t.text(`chain.${verdict.problem}`) }));
  return verdict.ok ? 0 : 1;
}
