/**
 * The English words in a Vietnamese text: what is neither Vietnamese nor one of the technical
 * names a clerk types or reads as they are (issue 11 point 9).
 */

/** Names a clerk types or reads as they are: commands, option values, products, units. */
const ALLOWED = new Set(
  [
    'capbu', 'token', 'kiosk', 'demo', 'check', 'renew', 'sync', 'tokens', 'registry', 'import', 'enroll', 'central',
    'serve', 'add', 'certs', 'revoke', 'reissue', 'report', 'orders', 'override', 'issue', 'counter', 'field', 'self', 'active', 'revoked', 'suspended',
    'serial', 'taxCode', 'contractEnd', 'status', 'province', 'vi', 'en', 'ms', 'pkcs', 'pkcs11', 'softhsm', 'viettel',
    'https', 'http', 'postgres', 'sqlite', 'json', 'csv', 'pem', 'der', 'base64', 'hsm', 'url', 'api', 'id', 'ascii',
    'asia', 'ho', 'chi', 'minh', 'yyyy', 'mm', 'dd', 'hexa', 'help', 'byte', 'terminal', 'settings', 'unikey', 'evkey', 'enter', 'esc', 'tab', 'feitian', 'opensc', 'pcscd', 'sudo', 'systemctl', 'enable', 'start', 'socket', 'timedatectl', 'integrity', 'ctrl', 'restore', 'plug', 'pull', 'backup', 'journal', 'verify', 'seq', 'chmod',
    // The dashboard's account roles as `central user add --role` takes them, and its language
    // switch, which names English in English.
    'user', 'admin', 'supervisor', 'english',
    // A sample left a value out; not a word of the catalogue.
    'undefined',
  ].map((w) => w.toLowerCase()),
);
/** English words that happen to spell a Vietnamese syllable without its marks. */
const ENGLISH_LOOKALIKES = new Set(['the', 'to', 'not', 'can', 'on', 'at', 'be', 'no', 'he', 'me', 'we', 'it', 'or', 'by', 'my', 'go']);
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;

/** The ASCII words of `text` that are neither Vietnamese nor allowed technical names. */
export function englishIn(text: string): string[] {
  const plain = text
    .replace(/"[^"]*"/g, ' ') // quoted: what the clerk typed, or a name to type
    .replace(/\S*\d\S*/g, ' ') // serials, counts, dates
    .replace(/\S*(:\/\/|\/|\w\.\w)\S*/g, ' ') // URLs, paths, host names
    .replace(/--[\w-]+/g, ' ') // options
    .replace(/\b[\p{Lu}\d_#:]{2,}\b/gu, ' '); // codes and placeholders: PIN_LOCKED, CKR_…, NHÃN
  const words = plain.match(/[\p{L}\p{M}]+/gu) ?? [];
  return words.filter((word) => {
    // Non-ASCII words are Vietnamese; one letter is a key to press (y, n, q).
    if (!/^[A-Za-z]{2,}$/.test(word)) return false;
    const lower = word.toLowerCase();
    if (ALLOWED.has(lower)) return false;
    return ENGLISH_LOOKALIKES.has(lower) || !SYLLABLE.test(lower);
  });
}
