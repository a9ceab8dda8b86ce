/**
 * `capbu config get|set|unset|list`: the kiosk's settings (settings.json in the data directory).
 * A value is refused with SETTING_VALUE_INVALID naming the setting and what it takes; the centre's
 * URL and the kiosk id are shown but come from `capbu enroll` only. The kiosk app reads the
 * settings when it starts.
 */
import { CapbuError } from '../../errors.js';
import { dataDir } from '../../store/data-dir.js';
import { changeSetting, loadSettings, type KioskSettings } from '../../store/settings.js';
import { credentialOrNull } from '../../sync/credential.js';
import { writeJson, writeLine, type Context } from '../context.js';
import { parseCommand } from '../parse.js';
import {
  ENROLMENT_SETTINGS,
  isDefault,
  isEnrolmentSetting,
  parseSetting,
  refuse,
  SETTING_NAMES,
  settingLines,
  settingNamed,
  SETTINGS,
  type EnrolmentSetting,
  type SettingName,
} from './config-values.js';

function enrolment(home: string): Record<EnrolmentSetting, string | null> {
  const credential = credentialOrNull(home);
  return { centreUrl: credential?.server ?? null, kioskId: credential?.kioskId ?? null };
}

/** Every setting and its value, the enrolment's two beside them. */
function everything(home: string): Record<SettingName | EnrolmentSetting, unknown> {
  return { ...loadSettings(home), ...enrolment(home) };
}

export async function configGetCommand(argv: string[], ctx: Context): Promise<number> {
  const { values, positionals } = parseCommand(argv, 'config get');
  const name = settingNamed(positionals[0]!);
  const home = dataDir(ctx.env);
  const value = isEnrolmentSetting(name) ? enrolment(home)[name] : loadSettings(home)[name];
  if (values.json) writeJson(ctx, value);
  else {
    const lines = isEnrolmentSetting(name) ? (value === null ? [] : [String(value)]) : settingLines(name, value as KioskSettings[SettingName]);
    for (const line of lines) writeLine(ctx.stdout, line);
  }
  return 0;
}

function writable(name: string): SettingName {
  const setting = settingNamed(name);
  if (isEnrolmentSetting(setting)) throw new CapbuError('SETTING_READ_ONLY', { name: setting });
  return setting;
}

export async function configSetCommand(argv: string[], ctx: Context): Promise<number> {
  const { positionals } = parseCommand(argv, 'config set');
  const name = writable(positionals[0]!);
  const value = parseSetting(name, positionals.slice(1), ctx.env);
  try {
    changeSetting(dataDir(ctx.env), name, value);
  } catch (error) {
    // The store's schema is the last word (a device entry's fields are only checked there).
    if (error instanceof CapbuError && error.code === 'SETTING_VALUE_INVALID') refuse(name, positionals.slice(1).join(' '), SETTINGS[name]);
    throw error;
  }
  return 0;
}

export async function configUnsetCommand(argv: string[], ctx: Context): Promise<number> {
  const { positionals } = parseCommand(argv, 'config unset');
  changeSetting(dataDir(ctx.env), writable(positionals[0]!), undefined);
  return 0;
}

export async function configListCommand(argv: string[], ctx: Context): Promise<number> {
  const { values } = parseCommand(argv, 'config list');
  const home = dataDir(ctx.env);
  const all = everything(home);
  if (values.json) {
    writeJson(ctx, all);
    return 0;
  }
  const { t } = ctx;
  const width = Math.max(...[...SETTING_NAMES, ...ENROLMENT_SETTINGS].map((n) => n.length)) + 2;
  for (const name of SETTING_NAMES) {
    const value = all[name] as KioskSettings[SettingName];
    const shown = settingLines(name, value).join(' ') || t.text('config.none');
    writeLine(ctx.stdout, `${name.padEnd(width)}${shown}${isDefault(name, value) ? `  (${t.text('config.default')})` : ''}`);
  }
  for (const name of ENROLMENT_SETTINGS) {
    const value = all[name];
    writeLine(ctx.stdout, `${name.padEnd(width)}${value === null ? t.text('config.notEnrolled') : String(value)}  (${t.text('config.fromEnrol')})`);
  }
  return 0;
}
