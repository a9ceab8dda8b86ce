/** `capbu config`'s words in English: its errors and its listing. */
import { quoted, type Message, type Vars } from './message.js';

/** What a setting takes, by its kind (SETTING_VALUE_INVALID's `expected`) and the problem found. */
function expected(v: Vars): string {
  switch (v.problem) {
    case 'oneValue':
      return 'it takes exactly one value';
    case 'tooMany':
      return `it takes at most ${String(v.most)} values`;
    case 'notAbsolute':
      return 'it takes the full path (starting with /) of a PKCS#11 library';
    case 'missing':
      return 'there is no such file on this machine';
    case 'programMissing':
      return 'no such program on this machine (a full path, or a command on the PATH)';
  }
  switch (v.expected) {
    case 'integer':
      return `it takes a whole number from ${String(v.min)} to ${String(v.max)}`;
    case 'integers':
      return `it takes one or more whole numbers (separated by spaces), each from ${String(v.min)} to ${String(v.max)}`;
    case 'text':
      return `it takes one line of text, at most ${String(v.max)} characters`;
    case 'choice':
      return `it takes one of: ${quoted(v.values)}`;
    case 'boolean':
      return 'it takes "true" or "false"';
    case 'modules':
      return 'it takes the full paths of PKCS#11 libraries';
    case 'overrides':
      return 'it takes one or more supervisor overrides, "CBO1.…" (separated by spaces)';
    case 'command':
      return "it takes a print command, at most 300 characters; the receipt's path is added as its last argument";
    default:
      return `it takes a JSON list of devices, each with ${quoted(['vendorId', 'productId', 'vendor', 'model', 'hardwareVersion', 'usbClass', 'modules'])} (see the README, Token devices)`;
  }
}

export const configErrorsEn = {
  SETTING_UNKNOWN: (v) =>
    `there is no setting "${String(v.name)}"${v.suggestion ? ` (did you mean "${String(v.suggestion)}"?)` : ''}; the settings: ${quoted(v.names)}`,
  SETTING_VALUE_INVALID: (v) => `the setting "${String(v.name)}" cannot be "${String(v.value)}": ${expected(v)}; nothing was changed`,
  SETTING_READ_ONLY: (v) => `"${String(v.name)}" is set by capbu enroll when the kiosk joins the central service, not by capbu config`,
} satisfies Record<string, Message>;

export const configTextEn: Record<string, Message> = {
  'cmd.config': "the kiosk's settings",
  'cmd.config get': 'print one setting',
  'cmd.config set': 'change one setting (the kiosk app uses it from its next start)',
  'cmd.config unset': 'put one setting back to its default',
  'cmd.config list': 'every setting and its value',
  'config.none': '(none)',
  'config.default': 'default',
  'config.notEnrolled': '(not enrolled)',
  'config.fromEnrol': 'from capbu enroll',
};
