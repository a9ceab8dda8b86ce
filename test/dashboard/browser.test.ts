/**
 * The dashboard in a real headless Chromium (Debian's, driven by playwright-core): log in, see the
 * charts drawn with the figures of their tables and of the JSON, follow a province, export its
 * CSV, be refused another province, and watch a figure change without reloading. The overview's
 * screenshot is written where CAPBU_DASHBOARD_SCREENSHOT says (the README's docs/dashboard.png).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCentralWorld, sqlitePath, type CentralWorld } from '../central/fixtures.js';
import { dashboardWorld, PASSWORD, type DashboardWorld } from './world.js';

const CHROMIUM = '/usr/bin/chromium';

/** What the callbacks run in the page see (the tests are typed without the DOM library). */
interface InPage {
  readonly document: { getElementById(id: string): unknown; querySelector(selector: string): { textContent: string | null } | null };
  readonly Chart: { getChart(canvas: unknown): { data: { labels: string[]; datasets: { data: number[] }[] }; width: number } | undefined };
  marker?: number;
}

let world: CentralWorld;
let d: DashboardWorld;
let browser: Browser;

beforeAll(async () => {
  world = await makeCentralWorld();
  d = await dashboardWorld(sqlitePath(world, 'browser'), {}, world);
  await d.busier([
    { code: 'DN', customers: 9, renewedPerDay: [1, 2, 3] },
    { code: 'HP', customers: 6, renewedPerDay: [0, 1, 1, 2] },
  ]);
  await d.account('admin.tw', 'admin');
  await d.account('gs.hanoi', 'supervisor', ['HN']);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await d?.close();
});

async function logIn(name: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'vi-VN' });
  const page = await context.newPage();
  await page.goto(`${d.url}/overview`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL(`${d.url}/overview`), page.click('button[type=submit]')]);
  await page.waitForSelector('body[data-charts=drawn]');
  return page;
}

/** What Chart.js holds for a canvas: its labels and first dataset, as drawn. */
function chartData(page: Page, id: string) {
  return page.evaluate((canvasId) => {
    const g = globalThis as unknown as InPage;
    const chart = g.Chart.getChart(g.document.getElementById(canvasId));
    return chart ? { labels: chart.data.labels, data: chart.data.datasets[0]!.data, width: chart.width } : null;
  }, id);
}

/** A table's body as text, cell by cell. */
function tableRows(page: Page, id: string): Promise<string[][]> {
  return page.$$eval(`#${id} tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent!.trim())));
}

/** The page's own JSON, fetched with its session as its script would. */
function json<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
}

const digits = (text: string) => Number(text.replace(/\D/g, ''));

describe('the dashboard in Chromium', () => {
  /** What the refresh test adds to the shared centre; the run is shuffled, so it may come first. */
  const added = { renewals: 0, provinces: [] as string[] };

  it('logs an admin in and draws each chart with the figures of its table and of the JSON', async () => {
    const page = await logIn('admin.tw');
    const o = await json<any>(page, '/api/overview');

    const perDay = await chartData(page, 'chart-per-day');
    expect(perDay!.width).toBeGreaterThan(0);
    const days = o.renewalsPerDay.map((x: any) => x.date.split('-').reverse().join('/'));
    expect(perDay!.labels).toEqual(days);
    expect(perDay!.data).toEqual(o.renewalsPerDay.map((x: any) => x.renewed));
    expect(perDay!.data.reduce((a: number, b: number) => a + b, 0)).toBe(2 + 6 + 4 + added.renewals);
    expect((await tableRows(page, 'table-per-day')).map((r) => [r[0], digits(r[1]!)])).toEqual(days.map((day: string, i: number) => [day, perDay!.data[i]]));

    const byProvince = await chartData(page, 'chart-by-province');
    expect(byProvince!.labels).toEqual(['DN', 'HCM', 'HN', 'HP', ...added.provinces].sort());
    expect(byProvince!.data).toEqual(o.byProvince.map((g: any) => g.remaining));
    const provinceTable = await tableRows(page, 'table-by-province');
    expect(provinceTable.map((r) => r[0])).toEqual(['DN', 'HCM', 'HN', 'HP', ...added.provinces].sort());
    expect(provinceTable.map((r) => digits(r[2]!))).toEqual(o.byProvince.map((g: any) => g.renewed));

    const byHardware = await chartData(page, 'chart-by-hardware');
    expect(byHardware!.labels).toEqual(o.byHardwareVersion.map((g: any) => g.key));
    expect(byHardware!.data).toEqual(o.byHardwareVersion.map((g: any) => g.renewed));
    const byChannel = await chartData(page, 'chart-by-channel');
    expect(byChannel!.labels).toEqual(['quầy giao dịch', 'lưu động', 'khách hàng tự thực hiện']);
    expect(byChannel!.data).toEqual(o.byChannel.map((g: any) => g.renewed));

    expect(digits((await page.textContent('[data-figure=renewed]'))!)).toBe(o.total.renewed);
    const stale = (await tableRows(page, 'table-stale')).map((r) => r[0]);
    expect(stale).toContain('HN-LUUDONG-01');
    expect(stale).not.toContain('HN-QUAY-01');

    const shot = process.env.CAPBU_DASHBOARD_SCREENSHOT ?? join(world.dir, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    await page.context().close();
  });

  it('lets a supervisor follow their province, see its stale kiosks, export its CSV, and refuses another province', async () => {
    const page = await logIn('gs.hanoi', { width: 390, height: 844 });
    // A phone: the page does not scroll sideways; wide tables scroll inside their own box.
    expect(await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth <= g.innerWidth;
    })).toBe(true);
    expect((await tableRows(page, 'table-by-province')).map((r) => r[0])).toEqual(['HN']);
    expect(await page.locator('#table-by-province').textContent()).not.toContain('DN');

    await Promise.all([page.waitForURL(`${d.url}/province/HN`), page.click('#table-by-province a[href="/province/HN"]')]);
    await page.waitForSelector('body[data-charts=drawn]');
    const kiosks = await page.$$eval('#table-kiosks tbody tr', (rows) => rows.map((r) => [r.querySelector('td')!.textContent!.trim(), r.className]));
    expect(Object.fromEntries(kiosks)).toMatchObject({ 'HN-QUAY-01': '', 'HN-LUUDONG-01': 'stale' });
    expect((await chartData(page, 'chart-per-day'))!.data).toEqual([1]);

    await Promise.all([page.waitForURL(`${d.url}/province/HN/remaining`), page.click('a[href="/province/HN/remaining"]')]);
    const listed = (await tableRows(page, 'table-remaining')).map((r) => r[0]);
    expect(listed).toEqual(d.remainingHn.map((c) => c.serial));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/province/HN/remaining.csv"]')]);
    expect(download.suggestedFilename()).toBe('remaining-HN.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.replace(/^\uFEFF/, '').trim().split('\n')).toEqual([
      'Số sê-ri chứng thư số,Mã số thuế,Hợp đồng kết thúc',
      ...d.remainingHn.map((c) => `${c.serial},${c.taxCode},31/12/2022`),
    ]);

    const refused = await page.goto(`${d.url}/province/DN`);
    expect(refused!.status()).toBe(403);
    expect(await page.textContent('main')).toContain('tài khoản này không được xem tỉnh DN');
    const refusedJson = await page.goto(`${d.url}/api/province/DN`);
    expect(refusedJson!.status()).toBe(403);
    const refusedCsv = await page.goto(`${d.url}/province/DN/remaining.csv`).catch(() => null);
    expect(refusedCsv?.status() ?? 403).toBe(403);
    await page.context().close();
  });

  it('refreshes the figures on an open page within seconds of a renewal, without a reload', async () => {
    const page = await logIn('admin.tw');
    const before = digits((await page.textContent('[data-figure=renewed]'))!);
    // A mark on this page's window: it survives only if the page is never reloaded.
    await page.evaluate(() => ((globalThis as unknown as InPage).marker = 42));
    await d.busier([{ code: 'CT', customers: 1, renewedPerDay: [1] }]);
    added.renewals += 1;
    added.provinces.push('CT');
    await page.waitForFunction(
      (n) => Number((globalThis as unknown as InPage).document.querySelector('[data-figure=renewed]')!.textContent!.replace(/\D/g, '')) === n,
      before + 1,
      { timeout: 20_000 },
    );
    expect(await page.evaluate(() => (globalThis as unknown as InPage).marker)).toBe(42);
    await page.waitForFunction(() => {
      const g = globalThis as unknown as InPage;
      return g.Chart.getChart(g.document.getElementById('chart-by-province'))!.data.labels.includes('CT');
    });
    await page.context().close();
  });

  it('speaks English when asked, and keeps to it', async () => {
    const page = await logIn('admin.tw');
    await page.click('a[hreflang=en]');
    await page.waitForSelector('html[lang=en]');
    expect(await page.textContent('h1')).toBe('Renewal progress');
    await page.goto(`${d.url}/province/HN`);
    expect(await page.textContent('h1')).toBe('Province HN');
    await page.context().close();
  });
});

