/**
 * The dashboard's accounts and authorisation over real HTTP, on SQLite and PostgreSQL: one-time
 * password codes, logins and their rate limit, sessions and their expiry, CSRF on every form, and
 * a supervisor kept to their provinces in pages, JSON and CSV, whatever URL they type.
 */
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapbu } from '../support/cli.js';
import { centralDatabases, makeCentralWorld, NOW, sqlitePath, startCentre, type Centre, type CentralWorld } from '../central/fixtures.js';
import { dashboardWorld, EXPECTED, PASSWORD, type DashboardWorld } from './world.js';
import { Reader } from './http.js';

let world: CentralWorld;

beforeAll(async () => {
  world = await makeCentralWorld();
});
const databases = centralDatabases(() => world);

const SESSION_MS = 30 * 60_000;
const LOGINS_PER_WINDOW = 4;

const group = (groups: { key: string; eligibleKnown: number | null; renewed: number; remaining: number | null }[], key: string) => {
  const g = groups.find((x) => x.key === key);
  return g && { eligibleKnown: g.eligibleKnown, renewed: g.renewed, remaining: g.remaining };
};

describe.each(databases.backends)('dashboard on $name', (backend) => {
  let d: DashboardWorld;
  let db: string;

  beforeAll(async () => {
    db = await backend.db('dashboard');
    d = await dashboardWorld(db, { dashboard: { sessionTtlMs: SESSION_MS, loginLimit: { max: 1000, timeWindow: 60_000 } } }, world);
    await d.account('admin.tw', 'admin');
    await d.account('gs.hanoi', 'supervisor', ['HN']);
  });
  afterAll(async () => {
    await d?.close();
  });

  it('sends a reader without a session to the login page, and JSON and CSV callers get 401 LOGIN_REQUIRED', async () => {
    const r = new Reader(d.url);
    for (const path of ['/overview', '/province/HN', '/province/HN/remaining']) {
      const page = await r.get(path);
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    for (const path of ['/api/overview', '/api/province/HN', '/api/province/HN/remaining', '/province/HN/remaining.csv']) {
      const reply = await r.get(path);
      expect(reply.status).toBe(401);
      expect(reply.json().code).toBe('LOGIN_REQUIRED');
    }
  });

  it('does not take a kiosk credential for a session', async () => {
    const { credential } = await d.centre.enrolled('HN-QUAY-99', { province: 'HN' });
    const reply = await new Reader(d.url).get('/api/overview', { authorization: `Bearer ${credential}` });
    expect(reply.status).toBe(401);
    expect(reply.json().code).toBe('LOGIN_REQUIRED');
  });

  it('logs in with the right password only, in an HTTP-only SameSite cookie, and shows the overview in Vietnamese', async () => {
    const wrong = new Reader(d.url);
    const refused = await wrong.login('admin.tw', 'not the password');
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('tên đăng nhập hoặc mật khẩu không đúng');
    expect(wrong.cookies.has('capbu_session')).toBe(false);
    const unknown = await new Reader(d.url).login('nobody', PASSWORD);
    expect(unknown.status).toBe(401);

    const r = new Reader(d.url);
    const ok = await r.login('admin.tw', PASSWORD);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/overview');
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('capbu_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await r.get('/overview');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="vi"');
    expect(page.body).toContain('Tổng quan tiến độ cấp bù');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('gives an admin every province, in JSON as on the page', async () => {
    const r = new Reader(d.url);
    await r.login('admin.tw', PASSWORD);
    const o = (await r.get('/api/overview')).json<any>();
    expect({ eligibleKnown: o.total.eligibleKnown, renewed: o.total.renewed, remaining: o.total.remaining }).toEqual(EXPECTED.total);
    expect(group(o.byProvince, 'HN')).toEqual(EXPECTED.hn);
    expect(group(o.byProvince, 'HCM')).toEqual(EXPECTED.hcm);
    expect(o.byHardwareVersion.map((g: any) => [g.key, g.renewed])).toEqual([['v4', 1], ['v5', 1]]);
    expect(o.byChannel.map((g: any) => [g.key, g.renewed])).toEqual([['counter', 1], ['self', 1]]);
    expect(o.renewalsPerDay).toEqual([{ date: '2020-06-01', renewed: 2 }]);
    // The rollout plan's figures are nationwide: for admins only.
    const page = (await r.get('/overview')).body;
    expect(page).toContain('Tiến độ theo kế hoạch triển khai (toàn quốc)');
    expect(page).toMatch(/id="table-plan-[^"]+"/);
    const hcm = (await r.get('/api/province/HCM')).json<any>();
    expect(hcm.total.refused).toEqual({ REVOKED: 1 });
    expect((await r.get('/province/HCM')).status).toBe(200);
  });

  it('escapes what the reader typed into a page: a province code is text, never markup', async () => {
    const r = new Reader(d.url);
    await r.login('admin.tw', PASSWORD);
    const page = await r.get(`/province/${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert');
    const back = await r.get(`/overview?lang=${encodeURIComponent('"><b>x')}`);
    expect(back.body).not.toContain('"><b>x');
  });

  it('keeps a supervisor to their provinces in the pages, the JSON and the CSV, whatever URL they type', async () => {
    // Its own kiosks, one in and one out of the supervisor's province, so what it proves does not
    // hang on kiosks other tests of this file enrol (they run shuffled).
    await d.centre.enrolled('HN-QUAY-SCOPE', { province: 'HN' });
    await d.centre.enrolled('HCM-QUAY-SCOPE', { province: 'HCM' });
    const admin = new Reader(d.url);
    await admin.login('admin.tw', PASSWORD);
    const hnKiosks = ((await admin.get('/api/province/HN')).json<any>().kiosks as any[]).map((k) => k.id).sort();
    expect(hnKiosks).toEqual(expect.arrayContaining(['HN-LUUDONG-01', 'HN-QUAY-01', 'HN-QUAY-SCOPE']));
    expect(hnKiosks.filter((id) => !id.startsWith('HN-'))).toEqual([]);

    const r = new Reader(d.url);
    await r.login('gs.hanoi', PASSWORD);
    const o = (await r.get('/api/overview')).json<any>();
    expect({ eligibleKnown: o.total.eligibleKnown, renewed: o.total.renewed, remaining: o.total.remaining }).toEqual(EXPECTED.hn);
    expect(o.byProvince.map((g: any) => g.key)).toEqual(['HN']);
    expect(o.byHardwareVersion.map((g: any) => [g.key, g.renewed])).toEqual([['v5', 1]]);
    expect(o.byChannel.map((g: any) => [g.key, g.renewed])).toEqual([['counter', 1]]);
    const page = await r.get('/overview');
    expect(page.body).not.toContain('HCM');
    expect(page.body).not.toContain('Tiến độ theo kế hoạch triển khai');

    const own = (await r.get('/api/province/HN')).json<any>();
    // Exactly the province's kiosks, the two of the fixture and this test's own among them; no other province's.
    expect(own.kiosks.map((k: any) => k.id).sort()).toEqual(hnKiosks);
    expect(own.kiosks.map((k: any) => k.id)).not.toContain('HCM-QUAY-SCOPE');
    expect(own.kiosks.map((k: any) => k.id)).not.toContain('HCM-QUAY-01');

    for (const other of ['HCM', 'hn', 'HN,HCM', '%20HN', 'HN%00', 'H%4E%2CHCM']) {
      for (const path of [`/province/${other}`, `/province/${other}/remaining`]) {
        const refused = await r.get(path);
        expect(refused.status, path).toBe(403);
        expect(refused.body).toContain('PROVINCE_FORBIDDEN');
        expect(refused.body).not.toMatch(/HCM-QUAY-01|HCM Một/);
      }
      for (const path of [`/api/province/${other}`, `/api/province/${other}/remaining`, `/province/${other}/remaining.csv`]) {
        const refused = await r.get(path);
        expect(refused.status, path).toBe(403);
        expect(refused.json().code).toBe('PROVINCE_FORBIDDEN');
      }
    }
  });

  it('exports the remaining customers of a province as CSV: tax code and contract end, every one of them', async () => {
    const r = new Reader(d.url);
    await r.login('gs.hanoi', PASSWORD);
    const csv = await r.get('/province/HN/remaining.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="remaining-HN.csv"');
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(csv.body.slice(1)) as string[][];
    expect(rows[0]).toEqual(['Số sê-ri chứng thư số', 'Mã số thuế', 'Hợp đồng kết thúc']);
    expect(rows.slice(1)).toEqual(d.remainingHn.map((c) => [c.serial, c.taxCode, '31/12/2022']));
    const json = (await r.get('/api/province/HN/remaining')).json<any>();
    expect(json.next).toBeNull();
    expect(json.customers.map((c: any) => c.serial)).toEqual(d.remainingHn.map((c) => c.serial));
    const english = await r.get('/province/HN/remaining.csv?lang=en');
    expect((parse(english.body.slice(1)) as string[][])[0]).toEqual(['Certificate serial', 'Tax code', 'Contract ends']);
  });

  it('refuses every form without its anti-forgery token, or with a made-up one', async () => {
    const r = new Reader(d.url);
    for (const csrf of [null, 'made-up-token']) {
      const login = await r.submit('/login', '/login', { name: 'admin.tw', password: PASSWORD }, { csrf });
      expect(login.status).toBe(403);
      expect(login.body).toContain('CSRF_INVALID');
      expect(r.cookies.has('capbu_session')).toBe(false);
      const password = await r.submit('/password', '/password', { code: 'X', password: PASSWORD, repeat: PASSWORD }, { csrf });
      expect(password.status).toBe(403);
    }
    await r.login('admin.tw', PASSWORD);
    const logout = await r.submit('/overview', '/logout', {}, { csrf: null });
    expect(logout.status).toBe(403);
    expect((await r.get('/api/overview')).status).toBe(200);
    // Another reader's token does not do either.
    const stranger = Reader.csrfOf((await new Reader(d.url).get('/login')).body);
    expect((await r.submit('/overview', '/logout', {}, { csrf: stranger })).status).toBe(403);
    const out = await r.submit('/overview', '/logout', {});
    expect(out.status).toBe(303);
  });

  it('ends a session at logout: the same cookie sent again is refused', async () => {
    const r = new Reader(d.url);
    await r.login('gs.hanoi', PASSWORD);
    const token = r.cookies.get('capbu_session')!;
    await r.submit('/overview', '/logout', {});
    const replay = new Reader(d.url);
    replay.cookies.set('capbu_session', token);
    expect((await replay.get('/api/overview')).status).toBe(401);
  });

  it('ends a session when its time is up, whatever the browser still holds', async () => {
    const r = new Reader(d.url);
    await r.login('gs.hanoi', PASSWORD);
    try {
      d.setNow(new Date(NOW.getTime() + SESSION_MS - 1000));
      expect((await r.get('/api/overview')).status).toBe(200);
      d.setNow(new Date(NOW.getTime() + SESSION_MS + 1000));
      const expired = await r.get('/api/overview');
      expect(expired.status).toBe(401);
      expect(expired.json().code).toBe('LOGIN_REQUIRED');
      expect((await r.get('/overview')).status).toBe(302);
    } finally {
      d.setNow(NOW);
    }
  });
});

describe('dashboard accounts through the CLI', () => {
  let d: DashboardWorld;
  let db: string;
  const capbu = (args: string[]) => runCapbu([...args, '--db', db], { env: { CAPBU_LANG: 'en', CAPBU_HOME: join(world.dir, 'home') } });

  beforeAll(async () => {
    db = sqlitePath(world, 'dashboard-cli');
    d = await dashboardWorld(db, { dashboard: { loginLimit: { max: 1000, timeWindow: 60_000 } } }, world);
  });
  afterAll(async () => {
    await d?.close();
  });

  it('refuses a bad role, a supervisor without provinces, an admin with some, and a name in use, in one line each', async () => {
    for (const [args, words] of [
      [['--name', 'x', '--role', 'boss'], '--role is admin'],
      [['--name', 'x', '--role', 'supervisor'], 'needs at least one --province'],
      [['--name', 'x', '--role', 'admin', '--province', 'HN'], 'leave out --province'],
      [['--name', 'bad name', '--role', 'admin'], '--name takes'],
    ] as const) {
      const result = await capbu(['central', 'user', 'add', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^capbu: USAGE: /);
      expect(result.stderr).toContain(words);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await capbu(['central', 'user', 'add', '--name', 'dup', '--role', 'admin'])).code).toBe(0);
    const again = await capbu(['central', 'user', 'add', '--name', 'dup', '--role', 'admin']);
    expect(again.stderr).toMatch(/^capbu: USER_EXISTS: /);
  });

  it('prints a one-time code that sets the password once, and a link when given the address', async () => {
    const added = await capbu(['central', 'user', 'add', '--name', 'gs.hcm', '--role', 'supervisor', '--province', 'HCM', '--province', 'HN,DN']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Account gs.hcm added (province supervisor, sees: HCM, HN, DN)');
    const code = added.stdout.trim().split('\n').at(-1)!;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    const withLink = await capbu(['central', 'user', 'add', '--name', 'linked', '--role', 'admin', '--url', `${d.url}/`]);
    expect(withLink.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^${d.url}/password\\?code=[0-9A-Z-]{24}$`));

    const r = new Reader(d.url);
    const form = await r.get(`/password?code=${code}`);
    expect(form.body).toContain(`value="${code}"`);
    const short = await r.submit('/password', '/password', { code, password: 'short', repeat: 'short' });
    expect(short.status).toBe(400);
    const mismatch = await r.submit('/password', '/password', { code, password: PASSWORD, repeat: `${PASSWORD}!` });
    expect(mismatch.status).toBe(400);
    const set = await r.submit('/password', '/password', { code, password: PASSWORD, repeat: PASSWORD });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/login?done=1');
    const spent = await r.submit('/password', '/password', { code, password: 'another long one', repeat: 'another long one' });
    expect(spent.status).toBe(401);
    expect(spent.body).toContain('mã đặt mật khẩu không đúng, đã dùng hoặc đã hết hạn');
    expect((await r.login('gs.hcm', 'another long one')).status).toBe(401);
    expect((await r.login('gs.hcm', PASSWORD)).status).toBe(303);
    const o = (await r.get('/api/overview')).json<any>();
    expect(o.byProvince.map((g: any) => g.key)).toEqual(['HCM', 'HN']);
  });

  it('lets a code die when it expires', async () => {
    const added = await capbu(['central', 'user', 'add', '--name', 'late', '--role', 'admin', '--valid-hours', '1', '--now', NOW.toISOString()]);
    const code = added.stdout.trim().split('\n').at(-1)!;
    d.setNow(new Date(NOW.getTime() + 3600_000 + 1000));
    try {
      const r = new Reader(d.url);
      const late = await r.submit('/password', '/password', { code, password: PASSWORD, repeat: PASSWORD });
      expect(late.status).toBe(401);
    } finally {
      d.setNow(NOW);
    }
  });
});

describe('dashboard logins', () => {
  let d: DashboardWorld;

  beforeAll(async () => {
    d = await dashboardWorld(sqlitePath(world, 'dashboard-logins'), { dashboard: { loginLimit: { max: LOGINS_PER_WINDOW, timeWindow: 60_000 } } }, world);
  });
  afterAll(async () => {
    await d?.close();
  });

  it('rate-limits logins from one address, even once the password is right', async () => {
    await d.account('busy', 'admin');
    const r = new Reader(d.url);
    for (let i = 0; i < LOGINS_PER_WINDOW; i++) expect((await r.login('busy', `wrong ${i}`)).status).toBe(401);
    const throttled = await r.login('busy', PASSWORD);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(throttled.body).toContain('đăng nhập sai quá nhiều lần');
    expect(r.cookies.has('capbu_session')).toBe(false);
  });
});

describe.each(databases.backends)('dashboard logins through workers and a TLS proxy on $name', (backend) => {
  const limit = { dashboard: { loginLimit: { max: LOGINS_PER_WINDOW, timeWindow: 60_000 } } };
  let d: DashboardWorld;
  let db: string;
  const others: Centre[] = [];
  const another = async (trustProxy?: string) => {
    const centre = await startCentre(world, db, { ...limit, ...(trustProxy && { trustProxy }) });
    others.push(centre);
    return centre;
  };
  beforeAll(async () => {
    db = await backend.db('dashboard-proxy');
    d = await dashboardWorld(db, { ...limit, trustProxy: '127.0.0.1' }, world);
    await d.account('proxied', 'admin');
  });
  afterAll(async () => {
    for (const centre of others) await centre.running.close();
    await d?.close();
  });

  it("counts one address's logins together across the processes serving one database (serve --workers)", async () => {
    const worker = await another('127.0.0.1');
    // One client, as the proxy reports it, whichever worker its requests land on.
    const client = { 'x-forwarded-for': '203.0.113.7' };
    const readers = [new Reader(d.url, client), new Reader(worker.url, client)];
    for (let i = 0; i < LOGINS_PER_WINDOW; i++) expect((await readers[i % 2]!.login('proxied', `wrong ${i}`)).status).toBe(401);
    for (const reader of readers) expect((await reader.login('proxied', PASSWORD)).status).toBe(429);
    // Another address behind the proxy has its own count.
    expect((await new Reader(worker.url, { 'x-forwarded-for': '203.0.113.8' }).login('proxied', PASSWORD)).status).toBe(303);
  });

  it('marks the session cookie Secure behind a trusted proxy speaking HTTPS, and only there', async () => {
    const cookieOf = async (url: string, headers: Record<string, string>) => {
      const reader = new Reader(url, headers);
      const csrf = Reader.csrfOf((await reader.get('/login')).body);
      const reply = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { ...headers, cookie: [...reader.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 'proxied', password: PASSWORD, _csrf: csrf }).toString(),
      });
      expect(reply.status).toBe(303);
      return reply.headers.getSetCookie().find((c) => c.startsWith('capbu_session='))!;
    };
    const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' };
    expect(await cookieOf(d.url, https)).toMatch(/; Secure/i);
    expect(await cookieOf(d.url, { 'x-forwarded-for': '198.51.100.2' })).not.toMatch(/; Secure/i);
    // A centre trusting no proxy takes nobody's word for HTTPS.
    expect(await cookieOf((await another()).url, { ...https, 'x-forwarded-for': '198.51.100.3' })).not.toMatch(/; Secure/i);
  });
});
