import { parseRegistryCsv } from '../../campaign/registry.js';
import { dataDir } from '../../store/data-dir.js';
import { loadSettings } from '../../store/settings.js';
import { openStore } from '../../store/store.js';
import { importRegistry } from '../../store/registry.js';
import { clock, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import { readInput } from '../../store/files.js';
import { operatorName } from '../operator.js';

/** `capbu registry import FILE`: the whole file lands, or nothing does. */
export async function registryImportCommand(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'registry import');
  const records = parseRegistryCsv(readInput(positionals[0]!, 'REGISTRY_NOT_FOUND').toString('utf8'));
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
