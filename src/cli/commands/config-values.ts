/**
 * The kiosk's settings as `capbu config` reads and writes them: what each one takes, how a typed
 * value becomes a setting, and how a setting is printed. A value is checked here first so the
 * refusal can say what the setting takes (SETTING_VALUE_INVALID, its `expected` in the catalogues);
 * the store's schema checks it again as it is written.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { CapbuError } from '../../errors.js';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../store/settings.js';
import { closest } from '../command-table.js';

export type SettingName = keyof KioskSettings;

/** What a setting takes; the catalogues word each as `expected` (`setting.expected.KIND`). */
export type SettingKind =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'integers'; readonly min: number; readonly max: number; readonly most: number }
  | { readonly kind: 'text'; readonly max: number }
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'modules'; readonly most: number }
  | { readonly kind: 'command' }
  | { readonly kind: 'devices' }
  | { readonly kind: 'overrides'; readonly most: number };

export const SETTINGS: Readonly<Record<SettingName, SettingKind>> = {
  modules: { kind: 'modules', most: 10 },
  lang: { kind: 'choice', values: ['vi', 'en'] },
  operator: { kind: 'text', max: 64 },
  selfService: { kind: 'boolean' },
  printCommand: { kind: 'command' },
  supportLine: { kind: 'text', max: 120 },
  pinTryLimit: { kind: 'integer', min: 1, max: 15 },
  retryDelaysMs: { kind: 'integers', min: 0, max: 60_000, most: 10 },
  unsyncedWarnHours: { kind: 'integer', min: 1, max: 24 * 365 },
  registryMaxAgeDays: { kind: 'integer', min: 1, max: 365 },
  devices: { kind: 'devices' },
  overrideKey: { kind: 'text', max: 1000 },
  rolloutOverrides: { kind: 'overrides', most: 100 },
};

/** Shown by `config get` and `list`, set by `capbu enroll` only. */
export const ENROLMENT_SETTINGS = ['centreUrl', 'kioskId'] as const;
export type EnrolmentSetting = (typeof ENROLMENT_SETTINGS)[number];

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
const ALL_NAMES: readonly string[] = [...SETTING_NAMES, ...ENROLMENT_SETTINGS];

export function isEnrolmentSetting(name: string): name is EnrolmentSetting {
  return (ENROLMENT_SETTINGS as readonly string[]).includes(name);
}

/** A setting's name as typed, or SETTING_UNKNOWN with the nearest one. */
export function settingNamed(name: string): SettingName | EnrolmentSetting {
  if (ALL_NAMES.includes(name)) return name as SettingName | EnrolmentSetting;
  throw new CapbuError('SETTING_UNKNOWN', { name, suggestion: closest(name, ALL_NAMES), names: [...ALL_NAMES] });
}

/** SETTING_VALUE_INVALID: the setting, the value refused and what the setting takes. */
export function refuse(name: SettingName, value: string, kind: SettingKind, problem?: string): never {
  const { kind: expected, ...limits } = kind;
  throw new CapbuError('SETTING_VALUE_INVALID', { name, value, expected, ...(problem && { problem }), ...flat(limits) });
}

function flat(limits: object): Record<string, number | readonly string[]> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => typeof v === 'number' || Array.isArray(v))) as Record<string, number | readonly string[]>;
}

function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d{1,9}$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** Printable text without control characters: a line on a receipt or the status line. */
function plainText(text: string, max: number): boolean {
  return text.trim().length > 0 && [...text].length <= max && !/\p{Cc}/u.test(text);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    // Missing or out of reach: not a file capbu can use either way.
    return false;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return isFile(path);
  } catch {
    // accessSync's refusal is the answer.
    return false;
  }
}

/** The program a print command starts, found as the kiosk will start it (no shell, the PATH). */
function programFound(program: string, env: NodeJS.ProcessEnv): boolean {
  if (program.includes('/')) return isAbsolute(program) && executable(program);
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, program)));
}

/** The value `values` (the words after the name) stand for, or SETTING_VALUE_INVALID saying what the setting takes. */
export function parseSetting(name: SettingName, values: readonly string[], env: NodeJS.ProcessEnv): KioskSettings[SettingName] {
  const kind = SETTINGS[name];
  const typed = values.join(' ');
  const one = (): string => {
    if (values.length !== 1) refuse(name, typed, kind, 'oneValue');
    return values[0]!;
  };
  switch (kind.kind) {
    case 'integer':
      return wholeNumber(one(), kind.min, kind.max) ?? refuse(name, typed, kind);
    case 'integers': {
      if (values.length > kind.most) refuse(name, typed, kind, 'tooMany');
      return values.map((v) => wholeNumber(v, kind.min, kind.max) ?? refuse(name, v, kind));
    }
    // Words of a text may come unquoted: `capbu config set supportLine Tổng đài 1900 0000`.
    case 'text': {
      const text = typed.trim();
      return plainText(text, kind.max) ? text : refuse(name, text, kind);
    }
    case 'choice': {
      const choice = one();
      return kind.values.includes(choice) ? (choice as KioskSettings['lang']) : refuse(name, choice, kind);
    }
    case 'boolean': {
      const word = one();
      return word === 'true' ? true : word === 'false' ? false : refuse(name, word, kind);
    }
    case 'modules':
      if (values.length > kind.most) refuse(name, typed, kind, 'tooMany');
      for (const path of values) {
        if (!isAbsolute(path) || path.length > 300) refuse(name, path, kind, 'notAbsolute');
        if (!isFile(path)) refuse(name, path, kind, 'missing');
      }
      return [...values];
    case 'command': {
      const command = typed;
      if (!plainText(command, 300)) refuse(name, command, kind);
      const program = command.trim().split(/\s+/)[0]!;
      return programFound(program, env) ? command : refuse(name, program, kind, 'programMissing');
    }
    // Each checked with the override key when used; a bad one lets nothing through.
    case 'overrides':
      if (values.length > kind.most) refuse(name, typed, kind, 'tooMany');
      for (const code of values) if (!/^CBO1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(code) || code.length > 1024) refuse(name, code, kind);
      return [...values];
    case 'devices': {
      const text = one();
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed)) return parsed as KioskSettings['devices'];
      } catch {
        // Refused below, like any other value that is not a list of device entries.
      }
      return refuse(name, text, kind);
    }
  }
}

/** A setting as `config get` prints it: one value a line (none for an unset one), devices as JSON. */
export function settingLines(name: SettingName, value: KioskSettings[SettingName]): string[] {
  if (value === null) return [];
  if (name === 'devices') return [JSON.stringify(value)];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Whether a setting holds its default value. */
export function isDefault(name: SettingName, value: KioskSettings[SettingName]): boolean {
  return JSON.stringify(value) === JSON.stringify(DEFAULT_SETTINGS[name]);
}
