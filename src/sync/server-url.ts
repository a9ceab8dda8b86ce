/**
 * What `--server` may be: the centre's base URL over http or https, without credentials in it;
 * plain http only to this machine, since the kiosk's bearer credential travels in every request.
 */
export type ServerUrlProblem = 'notUrl' | 'scheme' | 'credentials' | 'httpsRequired';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function checkServerUrl(text: string): { readonly url: string } | { readonly problem: ServerUrlProblem } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL parser's TypeError says only that it is not a URL.
    return { problem: 'notUrl' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'scheme' };
  if (!url.hostname) return { problem: 'notUrl' };
  if (url.username || url.password) return { problem: 'credentials' };
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) return { problem: 'httpsRequired' };
  return { url: text };
}
