/** `--server URL` as the kiosk commands take it: a URL the sync client may use, or USAGE. */
import { checkServerUrl } from '../sync/server-url.js';
import { usageError } from './parse.js';

export function serverFlag(value: string, command: string): string {
  const checked = checkServerUrl(value);
  if ('url' in checked) return checked.url;
  throw usageError('serverUrl', { command, why: checked.problem, value });
}
