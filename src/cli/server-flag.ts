/** `--server URL` as the kiosk commands take it: a URL the sync client may use, or USAGE. */
import { CapbuError } from '../errors.js';
import { checkServerUrl } from '../sync/server-url.js';
import type { Context } from './context.js';

export function serverFlag(value: string, ctx: Context): string {
  const checked = checkServerUrl(value);
  if ('url' in checked) return checked.url;
  throw new CapbuError('USAGE', { problem: ctx.t.text(`serverUrl.${checked.problem}`, { value }) });
}
