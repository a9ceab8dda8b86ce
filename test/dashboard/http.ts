/**
 * A reader of the dashboard over real HTTP: a cookie jar, forms sent with the anti-forgery token
 * the page gave, redirects not followed (the tests look at them).
 */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
  json<T = Record<string, unknown>>(): T;
}

export class Reader {
  readonly cookies = new Map<string, string>();

  /** `headers`: sent with every request (a proxy's X-Forwarded-For, say). */
  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private keep(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async send(method: 'GET' | 'POST', path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      body: init.body,
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers },
    });
    this.keep(response.headers);
    // A byte-order mark stays in the body: the CSV test looks for it.
    const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    return { status: response.status, body, headers: response.headers, json: () => JSON.parse(body) };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.send('GET', path, { headers });
  }

  /** The token in a page's forms. */
  static csrfOf(page: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(page);
    if (!m) throw new Error('no anti-forgery token on the page');
    return m[1]!;
  }

  /** Fetches `formPage` for its token (unless told which), then posts the form. */
  async submit(formPage: string, action: string, fields: Record<string, string>, options: { csrf?: string | null } = {}): Promise<Reply> {
    let csrf = options.csrf;
    if (csrf === undefined) csrf = Reader.csrfOf((await this.get(formPage)).body);
    const form = new URLSearchParams({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) });
    return this.send('POST', action, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async login(name: string, password: string): Promise<Reply> {
    return this.submit('/login', '/login', { name, password });
  }
}
