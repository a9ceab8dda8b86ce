/** The pages with forms (log in, set a password) and the page that says why something was refused. */
import { MIN_PASSWORD_LENGTH } from '../passwords.js';
import { CsrfField, renderPage, type ViewContext } from './page.js';

function Problem({ message }: { message: string | undefined }) {
  return message ? <p className="problem" role="alert">{message}</p> : null;
}

export function loginPage(v: ViewContext, options: { problem?: string; notice?: string; name?: string; next?: string } = {}): string {
  const { t } = v;
  const body = (
    <form method="post" action="/login" className="card">
      {options.notice && <p className="notice">{options.notice}</p>}
      <Problem message={options.problem} />
      <CsrfField v={v} />
      {options.next && <input type="hidden" name="next" value={options.next} />}
      <label>
        {t.text('dash.login.name')}
        <input name="name" autoComplete="username" required defaultValue={options.name} />
      </label>
      <label>
        {t.text('dash.login.password')}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit">{t.text('dash.login.submit')}</button>
      <p>
        <a href="/password">{t.text('dash.login.setPassword')}</a>
      </p>
    </form>
  );
  return renderPage(v, t.text('dash.login.title'), body);
}

export function passwordPage(v: ViewContext, options: { code?: string; problem?: string } = {}): string {
  const { t } = v;
  const body = (
    <form method="post" action="/password" className="card">
      <Problem message={options.problem} />
      <CsrfField v={v} />
      <label>
        {t.text('dash.password.code')}
        <input name="code" autoComplete="one-time-code" required defaultValue={options.code} />
      </label>
      <label>
        {t.text('dash.password.new', { min: MIN_PASSWORD_LENGTH })}
        <input name="password" type="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
      </label>
      <label>
        {t.text('dash.password.repeat')}
        <input name="repeat" type="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
      </label>
      <button type="submit">{t.text('dash.password.submit')}</button>
    </form>
  );
  return renderPage(v, t.text('dash.password.title'), body);
}

export function errorPage(v: ViewContext, code: string, message: string): string {
  const { t } = v;
  const body = (
    <div className="card">
      <p className="problem" role="alert">
        {message} <code>{code}</code>
      </p>
      <p>
        <a href="/overview">{t.text('dash.error.back')}</a>
      </p>
    </div>
  );
  return renderPage(v, t.text('dash.error.title'), body);
}
