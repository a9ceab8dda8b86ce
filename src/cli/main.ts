/** The `capbu` command: dispatches to one command module and maps every failure to one line. */
import { CapbuError } from '../errors.js';
import { checkLanguage, globalOptions, processContext, writeLine, type Context } from './context.js';

type Command = (argv: string[], ctx: Context) => Promise<number>;

/** Loaded on demand: each command pays only for the modules it uses. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./commands/check.js')).checkCommand,
  tokens: async () => (await import('./commands/tokens.js')).tokensCommand,
  doctor: async () => (await import('./commands/doctor.js')).doctorCommand,
  backup: async () => (await import('./commands/backup.js')).backupCommand,
  restore: async () => (await import('./commands/backup.js')).restoreCommand,
  registry: async () => (await import('./commands/registry.js')).registryCommand,
  central: async () => (await import('./commands/central.js')).centralCommand,
  enroll: async () => (await import('./commands/enroll.js')).enrollCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  renew: async () => (await import('./commands/renew.js')).renewCommand,
  sync: async () => (await import('./commands/sync.js')).syncCommand,
  kiosk: async () => (await import('./commands/kiosk.js')).kioskCommand,
  journal: async () => (await import('./commands/journal.js')).journalCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
};

export async function main(argv: string[], given?: Context): Promise<number> {
  const global = globalOptions(argv);
  const ctx = given ?? processContext(global.lang);
  const { command: name, rest } = global;
  try {
    checkLanguage(global.lang, ctx.t);
    // Plain `capbu` on a terminal is the kiosk app; anywhere else, the help.
    if (name === undefined && process.stdout.isTTY && process.stdin.isTTY && given === undefined) {
      return await (await COMMANDS.kiosk!())(rest, ctx);
    }
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      writeLine(ctx.stdout, ctx.t.text('help'));
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) throw new CapbuError('USAGE', { problem: `unknown command "${name}"` });
    return await (await load())(rest, ctx);
  } catch (error) {
    const failure =
      error instanceof CapbuError
        ? error
        : new CapbuError('INTERNAL', { message: error instanceof Error ? error.message : String(error) });
    if (name !== undefined && COMMANDS[name]) (await import('./journal-error.js')).journalError(name, failure.code, ctx.env);
    writeLine(ctx.stderr, `capbu: ${failure.code}: ${ctx.t.error(failure.code, failure.details)}`);
    if (failure.code === 'INTERNAL' && ctx.env.CAPBU_DEBUG) writeLine(ctx.stderr, String((error as Error).stack));
    return 2;
  }
}
