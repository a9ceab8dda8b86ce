import { CapbuError } from '../../errors.js';
import { parseRegistryCsv } from '../../campaign/registry.js';
import { dataDir } from '../../store/data-dir.js';
import { loadSettings } from '../../store/settings.js';
import { openStore } from '../../store/store.js';
import { importRegistry } from '../../store/registry.js';
import { clock, parseCommand, writeLine, type Context } from '../context.js';
import { readInput } from '../../store/files.js';
import { operatorName } from '../operator.js';

/** `capbu registry import FILE`: the whole file lands, or nothing does. */
export async function registryCommand(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, {}, true);
  const [action, file, ...extra] = positionals;
  if (action !== 'import' || !file || extra.length > 0) {
    throw new CapbuError('USAGE', { problem: 'usage: capbu registry import FILE' });
  }
  const records = parseRegistryCsv(readInput(file, 'REGISTRY_NOT_FOUND').toString('utf8'));
  const home = dataDir(ctx.env);
  const operator = operatorName(undefined, loadSettings(home));
  const db = openStore(home);
  try {
    const result = importRegistry(db, records, clock(values.now), operator);
    writeLine(ctx.stdout, ctx.t.text('registryImported', { ...result }));
    return 0;
  } finally {
    db.close();
  }
}
