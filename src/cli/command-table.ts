/**
 * Every command and subcommand, with its options: parsing, `--help`, `capbu help NAME` and the
 * "did you mean" hints all come from here, so the help can never list an option the parser
 * refuses. The words (summaries, option descriptions, placeholders) are in the catalogues under
 * `cmd.NAME`, `opt.NAME` and `arg.NAME`.
 */
import type { Context } from './context.js';

/** A placeholder for a value, shown translated (`arg.LABEL`: NHÃN in Vietnamese). */
export type Placeholder =
  | 'LABEL'
  | 'FILE'
  | 'URL'
  | 'NAME'
  | 'CODE'
  | 'DB'
  | 'KEY'
  | 'HOST_PORT'
  | 'ADDRESSES'
  | 'SECONDS'
  | 'N'
  | 'ID'
  | 'PROVINCE'
  | 'CHANNEL'
  | 'HOURS'
  | 'DIR'
  | 'PATH'
  | 'TIME'
  | 'LANG'
  | 'VARIABLE'
  | 'PER_MINUTE'
  | 'SETTING'
  | 'VALUE'
  | 'SERIAL'
  | 'TEXT'
  | 'ROLE'
  | 'USER_ROLE';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What the value is, for a string option. */
  readonly arg?: Placeholder;
  readonly required?: boolean;
  /** May be given more than once: the value is the list, in order. */
  readonly multiple?: boolean;
  /** The catalogue key of its help line when it is not `opt.NAME` (one name, another meaning here). */
  readonly words?: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A command's entry point: the arguments after its name, to parse with its own entry. */
export type Command = (argv: string[], ctx: Context) => Promise<number>;

export interface CommandSpec {
  readonly options: OptionTable;
  /** Positional arguments for the usage line: `FILE`, `DIR?` (optional), `PATH…` (one or more). */
  readonly args?: readonly `${Placeholder}${'' | '?' | '…'}`[];
  /** Listed apart in the help: for the centre's operators. */
  readonly centre?: boolean;
  /** Loaded on demand: each command pays only for the modules it uses. */
  readonly load: () => Promise<Command>;
}

/** Accepted by every command. */
export const COMMON = {
  lang: { type: 'string', arg: 'LANG' },
  now: { type: 'string', arg: 'TIME' },
  help: { type: 'boolean' },
} as const satisfies OptionTable;

const token = { type: 'string', arg: 'LABEL' } as const;
const campaign = { type: 'string', arg: 'FILE' } as const;
const module = { type: 'string', arg: 'PATH' } as const;
const json = { type: 'boolean' } as const;
const server = { type: 'string', arg: 'URL' } as const;
const db = { type: 'string', arg: 'DB', required: true } as const;
/** A supervisor's override of the rollout plan, as sent (`CBO1.…`). */
const override = { type: 'string', arg: 'CODE' } as const;

/** Keyed by the words typed after `capbu`, in the order the help lists them. */
export const COMMANDS = {
  check: {
    options: { token, 'pin-stdin': { type: 'boolean' }, 'final-try': { type: 'boolean' }, campaign, module, json, override },
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  renew: {
    options: {
      token,
      'pin-stdin': { type: 'boolean' },
      'final-try': { type: 'boolean' },
      server,
      operator: { type: 'string', arg: 'NAME' },
      campaign,
      module,
      json,
      override,
    },
    load: async () => (await import('./commands/renew.js')).renewCommand,
  },
  sync: {
    options: { server, campaign, module, json, watch: { type: 'boolean' }, interval: { type: 'string', arg: 'SECONDS' } },
    load: async () => (await import('./commands/sync.js')).syncCommand },
  tokens: {
    options: { module, json, watch: { type: 'boolean' } },
    load: async () => (await import('./commands/tokens.js')).tokensCommand,
  },
  doctor: { options: { json }, load: async () => (await import('./commands/doctor.js')).doctorCommand },
  kiosk: {
    options: { operator: { type: 'string', arg: 'NAME' }, demo: { type: 'boolean' }, campaign, module, dir: { type: 'string', arg: 'DIR' } },
    load: async () => (await import('./commands/kiosk.js')).kioskCommand,
  },
  'registry import': {
    options: {},
    args: ['FILE'],
    load: async () => (await import('./commands/registry.js')).registryImportCommand,
  },
  enroll: {
    options: { server: { ...server, required: true }, code: { type: 'string', arg: 'CODE', required: true } },
    load: async () => (await import('./commands/enroll.js')).enrollCommand,
  },
  demo: {
    // `capbu demo [DIR]` makes the world; `capbu demo plug NAME` and `capbu demo pull [NAME]` act on it.
    options: { dir: { type: 'string', arg: 'DIR' } },
    args: ['DIR?', 'NAME?'],
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  journal: {
    options: { since: { type: 'string', arg: 'N' }, limit: { type: 'string', arg: 'N' }, json, campaign },
    args: ['NAME?'],
    load: async () => (await import('./commands/journal.js')).journalCommand,
  },
  status: { options: { json, campaign }, load: async () => (await import('./commands/status.js')).statusCommand },
  'config get': { options: { json }, args: ['SETTING'], load: async () => (await import('./commands/config.js')).configGetCommand },
  'config set': { options: {}, args: ['SETTING', 'VALUE…'], load: async () => (await import('./commands/config.js')).configSetCommand },
  'config unset': { options: {}, args: ['SETTING'], load: async () => (await import('./commands/config.js')).configUnsetCommand },
  'config list': { options: { json }, load: async () => (await import('./commands/config.js')).configListCommand },
  backup: { options: {}, args: ['FILE'], load: async () => (await import('./commands/backup.js')).backupCommand },
  restore: { options: {}, args: ['FILE'], load: async () => (await import('./commands/backup.js')).restoreCommand },
  'central serve': {
    centre: true,
    options: {
      campaign,
      'ca-key': { type: 'string', arg: 'KEY', required: true, multiple: true },
      db,
      listen: { type: 'string', arg: 'HOST_PORT' },
      backdate: { type: 'string', arg: 'SECONDS' },
      'rate-limit': { type: 'string', arg: 'PER_MINUTE' },
      'ca-pin-env': { type: 'string', arg: 'VARIABLE' },
      workers: { type: 'string', arg: 'N' },
      'event-quota': { type: 'string', arg: 'N' },
      'db-pool': { type: 'string', arg: 'N' },
      'db-wait': { type: 'string', arg: 'SECONDS' },
      'new-database': { type: 'boolean' },
      'override-key': { type: 'string', arg: 'FILE' },
      'trust-proxy': { type: 'string', arg: 'ADDRESSES' },
    },
    load: async () => (await import('./commands/central.js')).centralServe,
  },
  'central registry import': {
    centre: true,
    options: { db },
    args: ['FILE'],
    load: async () => (await import('./commands/central.js')).centralRegistryImport,
  },
  'central registry add-certs': {
    centre: true,
    options: { db },
    args: ['PATH…'],
    load: async () => (await import('./commands/central.js')).centralRegistryAddCerts,
  },
  'central orders import': {
    centre: true,
    options: { db },
    args: ['FILE'],
    load: async () => (await import('./commands/central-plan.js')).centralOrdersImport,
  },
  'central override issue': {
    centre: true,
    options: {
      key: { type: 'string', arg: 'FILE', required: true },
      serial: { type: 'string', arg: 'SERIAL', required: true },
      reason: { type: 'string', arg: 'TEXT', required: true },
      hours: { type: 'string', arg: 'HOURS' },
      campaign,
    },
    load: async () => (await import('./commands/central-plan.js')).centralOverrideIssue,
  },
  'central kiosk add': {
    centre: true,
    options: {
      id: { type: 'string', arg: 'ID', required: true },
      // Required for a kiosk, not for a report credential (--role report).
      province: { type: 'string', arg: 'PROVINCE' },
      channel: { type: 'string', arg: 'CHANNEL' },
      role: { type: 'string', arg: 'ROLE' },
      db,
      'valid-hours': { type: 'string', arg: 'HOURS' },
    },
    load: async () => (await import('./commands/central.js')).centralKioskAdd,
  },
  'central kiosk reissue': {
    centre: true,
    options: { db, 'valid-hours': { type: 'string', arg: 'HOURS' } },
    args: ['ID'],
    load: async () => (await import('./commands/central.js')).centralKioskReissue,
  },
  'central kiosk list': {
    centre: true,
    options: { db, json },
    load: async () => (await import('./commands/central.js')).centralKioskList,
  },
  'central kiosk revoke': {
    centre: true,
    options: { db },
    args: ['ID'],
    load: async () => (await import('./commands/central.js')).centralKioskRevoke,
  },
  'central user add': {
    centre: true,
    options: {
      name: { type: 'string', arg: 'NAME', required: true },
      role: { type: 'string', arg: 'USER_ROLE', required: true },
      province: { type: 'string', arg: 'PROVINCE', multiple: true },
      url: { type: 'string', arg: 'URL' },
      db,
      'valid-hours': { type: 'string', arg: 'HOURS' },
    },
    load: async () => (await import('./commands/central-user.js')).centralUserAdd,
  },
  'central report': {
    centre: true,
    // --campaign names the campaign set (a file or directory), as everywhere; --campaign-id one campaign of it.
    options: { db, campaign, 'campaign-id': { type: 'string', arg: 'ID' }, json },
    load: async () => (await import('./commands/central.js')).centralReport,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** The commands under a prefix: `central kiosk` → `central kiosk add` and `central kiosk revoke`. */
export function commandsUnder(prefix: readonly string[]): CommandName[] {
  return COMMAND_NAMES.filter((name) => {
    const parts = name.split(' ');
    return prefix.every((p, i) => parts[i] === p);
  });
}

/** The words that may follow `capbu` + `prefix`: `central` → serve, registry, kiosk, report. */
export function nextWords(prefix: readonly string[]): string[] {
  const words = new Set<string>();
  for (const name of COMMAND_NAMES) {
    const parts = name.split(' ');
    if (parts.length > prefix.length && prefix.every((p, i) => parts[i] === p)) words.add(parts[prefix.length]!);
  }
  return [...words];
}

/** The closest of `candidates` to a mistyped word, if one is close enough to be meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const near = best.distance <= Math.max(1, Math.floor(best.candidate.length / 3));
  const prefix = word.length >= 3 && best.candidate.startsWith(word);
  return near || prefix ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
