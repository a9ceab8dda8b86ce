/**
 * The frame every dashboard page shares, rendered on the server with React (renderToStaticMarkup
 * escapes every value it is given; nothing is pasted into HTML by hand). The page works without
 * script; public/dashboard.js draws the charts and keeps the figures fresh.
 */
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Translator } from '../../../i18n/catalog.js';
import type { UserRecord } from '../../storage/store.js';

/** What every view needs to speak to the reader. */
export interface ViewContext {
  readonly t: Translator;
  /** The campaign's time zone, for dates and times. */
  readonly zone: string;
  /** This page's path and query, for the language switch. */
  readonly path: string;
  readonly user: UserRecord | null;
  /** The anti-forgery token every form carries. */
  readonly csrf: string;
}

const numbers = new Map<string, Intl.NumberFormat>();

/** 12.345 in Vietnamese, 12,345 in English; '–' where the centre cannot know. */
export function count(v: ViewContext, n: number | null): string {
  if (n === null) return '–';
  const locale = v.t.language === 'vi' ? 'vi-VN' : 'en-GB';
  let f = numbers.get(locale);
  if (!f) numbers.set(locale, (f = new Intl.NumberFormat(locale)));
  return f.format(n);
}

function withLanguage(path: string, lang: string): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return url.pathname + url.search;
}

export function CsrfField({ v }: { v: ViewContext }) {
  return <input type="hidden" name="_csrf" value={v.csrf} />;
}

function Header({ v }: { v: ViewContext }) {
  const { t, user } = v;
  return (
    <header>
      <a className="brand" href="/overview">{t.text('dash.title')}</a>
      <nav>
        {user && <a href="/overview">{t.text('dash.nav.overview')}</a>}
        {user?.provinces.map((p) => (
          <a key={p} href={`/province/${encodeURIComponent(p)}`}>{p}</a>
        ))}
        <a href={withLanguage(v.path, t.language === 'vi' ? 'en' : 'vi')} hrefLang={t.language === 'vi' ? 'en' : 'vi'}>
          {t.text('dash.nav.language')}
        </a>
        {user && (
          <form method="post" action="/logout" className="inline">
            <CsrfField v={v} />
            <span className="who">{t.text('dash.signedInAs', { name: user.name, role: t.text(`dash.role.${user.role}`) })}</span>
            <button type="submit">{t.text('dash.nav.logout')}</button>
          </form>
        )}
      </nav>
    </header>
  );
}

export function renderPage(v: ViewContext, title: string, body: ReactNode, options: { live?: boolean } = {}): string {
  const html = (
    <html lang={v.t.language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${v.t.text('dash.title')}`}</title>
        <link rel="stylesheet" href="/assets/dashboard.css" />
        {options.live && <script src="/assets/chart.umd.min.js" defer />}
        {options.live && <script src="/assets/dashboard.js" defer />}
      </head>
      <body data-live={options.live ? 'true' : undefined}>
        <Header v={v} />
        <main>
          <h1>{title}</h1>
          {body}
        </main>
      </body>
    </html>
  );
  return `<!doctype html>${renderToStaticMarkup(html)}`;
}
