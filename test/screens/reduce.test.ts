/** The kiosk app's reducer, without rendering: every screen's transitions and the shared rules. */
import { describe, expect, it } from 'vitest';
import { bindingFor, footerBindings, splitTyping } from '../../src/screens/keys.js';
import type { TokenView } from '../../src/screens/model.js';
import { certificateView, PIN, tokenView } from '../support/token-view.js';
import { reduce } from '../../src/screens/reduce.js';
import { initialState, type AppAction, type AppState, type Step } from '../../src/screens/state.js';

function token(key: string, over: Partial<TokenView> = {}, eligible = true): TokenView {
  const decision = { campaign: 'c', eligible, reasons: eligible ? [] : (['REVOKED'] as const), renewalNotAfter: eligible ? '2022-03-01T16:59:59Z' : null };
  return tokenView(key, { certificates: [certificateView({ decision: { ...decision, reasons: [...decision.reasons] } })], ...over });
}

const start = (over: Partial<Parameters<typeof initialState>[0]> = {}) =>
  initialState({ operator: 'lan', selfService: false, demo: false, canPrint: false, ...over });

function run(state: AppState, ...actions: AppAction[]): Step {
  let result: Step = { state, commands: [], pin: null };
  for (const action of actions) result = reduce(result.state, action);
  return result;
}

const tokens = (...list: TokenView[]): AppAction => ({ type: 'engine', event: { type: 'tokens', tokens: list } });
const key = (action: string, input = ''): AppAction => ({ type: 'key', action: action as never, input });
const text = (s: string): AppAction[] => [...s].map((char) => ({ type: 'text', char }));

describe('the kiosk reducer', () => {
  it('starts at sign-in without an operator, and at waiting with one or in self-service', () => {
    expect(start({ operator: null }).screen.name).toBe('signIn');
    expect(start().screen.name).toBe('waiting');
    expect(start({ operator: null, selfService: true }).operatorSource).toBe('selfService');
  });

  it('signs in with the typed name and tells the engine', () => {
    const r = run(start({ operator: null }), ...text(' lan '), key('submit'));
    expect(r.state.operator).toBe('lan');
    expect(r.state.screen.name).toBe('waiting');
    expect(r.commands).toEqual([{ type: 'signIn', operator: 'lan' }]);
    expect(run(start({ operator: null }), key('submit')).state.screen.name).toBe('signIn');
  });

  it('reads a chunk typed at once key by key: its Enter submits, other control characters are dropped', () => {
    const typed = (s: string) => splitTyping(s).map((p) => p.name ?? p.input).join('|');
    expect(typed('Lê Văn A\r')).toBe('L|ê| |V|ă|n| |A|return');
    expect(typed('lan\r\n')).toBe('l|a|n|return');
    expect(typed('a\nb')).toBe('a|return|b');
    expect(typed('a\x7fb\x1b\t\x00\u0085c')).toBe('a|backspace|b|c');
    // Whoever sends them, the operator's name never holds one: it goes into the journal and receipts.
    const r = run(start({ operator: null }), ...text('la\rn\x1b'), key('submit'));
    expect(r.state.operator).toBe('lan');
  });

  it('shows the verdict the moment one token appears, and a choice for two', () => {
    expect(run(start(), tokens(token('1'))).state.screen).toEqual({ name: 'verdict', tokenKey: '1' });
    const two = run(start(), tokens(token('1'), token('2')));
    expect(two.state.screen).toEqual({ name: 'choose', index: 0 });
    expect(run(two.state, key('next'), key('submit')).state.screen).toEqual({ name: 'verdict', tokenKey: '2' });
  });

  it('offers Enter only for an eligible, unlocked candidate', () => {
    const eligible = run(start(), tokens(token('1'))).state;
    expect(bindingFor(eligible, { input: '', name: 'return' })?.action).toBe('submit');
    const refused = run(start(), tokens(token('1', {}, false))).state;
    expect(bindingFor(refused, { input: '', name: 'return' })).toBeNull();
    expect(footerBindings(refused).map((b) => b.action)).not.toContain('submit');
    const locked = run(start(), tokens(token('1', { pin: { ...PIN, locked: true } }))).state;
    expect(bindingFor(locked, { input: '', name: 'return' })).toBeNull();
  });

  it('counts PIN characters without holding them, and refuses non-ASCII before anything is sent', () => {
    const atPin = run(start(), tokens(token('1')), key('submit')).state;
    expect(atPin.screen.name).toBe('pin');
    const typed = run(atPin, ...text('viettel'));
    expect(typed.state.screen).toMatchObject({ length: 7 });
    expect(JSON.stringify(typed.state)).not.toContain('viettel');
    const vietnamese = reduce(typed.state, { type: 'text', char: 'ă' });
    expect(vietnamese.state.screen).toMatchObject({ length: 7, problem: 'nonAscii' });
    expect(vietnamese.pin).toBeNull();
    expect(vietnamese.commands).toEqual([]);
  });

  it('refuses a PIN outside the token limits without a try', () => {
    const atPin = run(start(), tokens(token('1')), key('submit')).state;
    const short = run(atPin, ...text('abc'), key('submit'));
    expect(short.state.screen).toMatchObject({ name: 'pin', problem: 'tooShort' });
    expect(short.commands).toEqual([]);
    const long = run(atPin, ...text('abcdefghijkl'), { type: 'text', char: 'm' });
    expect(long.state.screen).toMatchObject({ length: 12, problem: 'tooLong' });
    expect(long.pin).toBeNull();
  });

  it('sends the renewal with the PIN moved beside it', () => {
    const r = run(start(), tokens(token('1')), key('submit'), ...text('viettel-ca'), key('submit'));
    expect(r.state.screen).toMatchObject({ name: 'progress', tokenKey: '1' });
    expect(r.commands).toEqual([{ type: 'renew', tokenKey: '1', finalTry: false }]);
    expect(r.pin).toBe('send');
  });

  it('asks for y before a final try, by the token flag or the kiosk count', () => {
    for (const pin of [{ ...PIN, finalTry: true }, { ...PIN, kioskTriesLeft: 1 }]) {
      const asked = run(start(), tokens(token('1', { pin })), key('submit'), ...text('viettel-ca'), key('submit'));
      expect(asked.state.screen.name).toBe('confirmFinal');
      expect(asked.commands).toEqual([]);
      const confirmed = reduce(asked.state, key('confirm'));
      expect(confirmed.commands).toEqual([{ type: 'renew', tokenKey: '1', finalTry: true }]);
      const declined = reduce(asked.state, key('back'));
      expect(declined.state.screen).toMatchObject({ name: 'pin', length: 0 });
      expect(declined.pin).toBe('clear');
    }
  });

  it('shows steps, then done; a wrong PIN goes back to the PIN field with the count', () => {
    const sent = run(start(), tokens(token('1')), key('submit'), ...text('viettel-ca'), key('submit')).state;
    const stepped = run(
      sent,
      { type: 'engine', event: { type: 'step', step: { name: 'pin', status: 'started', ms: 0 } } },
      { type: 'engine', event: { type: 'step', step: { name: 'pin', status: 'done', ms: 12 } } },
    ).state;
    expect(stepped.screen).toMatchObject({ steps: [{ name: 'pin', status: 'done', ms: 12 }] });
    const wrong = reduce(sent, {
      type: 'engine',
      event: { type: 'failed', error: { code: 'PIN_INCORRECT', details: { remaining: 3 } }, pin: { ...PIN, countLow: true, kioskTriesLeft: 3 } },
    });
    expect(wrong.state.screen).toMatchObject({ name: 'pin', length: 0, lastError: { code: 'PIN_INCORRECT' } });
    expect(wrong.state.tokens[0]!.pin.kioskTriesLeft).toBe(3);
    const done = reduce(sent, {
      type: 'engine',
      event: { type: 'outcome', outcome: { status: 'renewed', oldSerial: 'ab01', newSerial: 'cd02', notAfter: '2022-03-01T16:59:59Z', receiptPath: '/r', timeZone: 'Asia/Ho_Chi_Minh' } },
    });
    expect(done.state.screen.name).toBe('done');
  });

  it('goes back to waiting when the token is pulled on any screen, and says a cut renewal will resume', () => {
    const sent = run(start(), tokens(token('1')), key('submit'), ...text('viettel-ca'), key('submit')).state;
    const pulled = reduce(sent, tokens());
    expect(pulled.state.screen.name).toBe('waiting');
    expect(pulled.state.notice).toBe('interrupted');
    const typing = run(start(), tokens(token('1')), key('submit'), ...text('vie')).state;
    const pulledWhileTyping = reduce(typing, tokens());
    expect(pulledWhileTyping.state.screen.name).toBe('waiting');
    expect(pulledWhileTyping.pin).toBe('clear');
  });

  it('quits at once when idle, and only after the write while writing', () => {
    expect(run(start(), key('quit')).state.exit).toBe(true);
    const sent = run(start(), tokens(token('1')), key('submit'), ...text('viettel-ca'), key('submit')).state;
    const writing = reduce(sent, { type: 'engine', event: { type: 'step', step: { name: 'write', status: 'started', ms: 0 } } }).state;
    const asked = reduce(writing, key('quit'));
    expect(asked.state.exit).toBe(false);
    expect(asked.state.notice).toBe('quitAfterWrite');
    const after = reduce(asked.state, {
      type: 'engine',
      event: { type: 'outcome', outcome: { status: 'renewed', oldSerial: 'ab01', newSerial: 'cd02', notAfter: '2022-03-01T16:59:59Z', receiptPath: null, timeZone: 'UTC' } },
    });
    expect(after.state.exit).toBe(true);
    expect(after.commands).toEqual([{ type: 'quit' }]);
  });

  it('after done, Enter waits for the next customer without reopening the same token', () => {
    const sent = run(start(), tokens(token('1')), key('submit'), ...text('viettel-ca'), key('submit')).state;
    const done = reduce(sent, { type: 'engine', event: { type: 'outcome', outcome: { status: 'queued', oldSerial: 'ab01' } } }).state;
    const next = run(done, key('submit'), tokens(token('1')));
    expect(next.state.screen.name).toBe('waiting');
    expect(next.state.dismissed).toBe('1');
    const another = run(next.state, tokens(token('1'), token('2')));
    expect(another.state.screen).toEqual({ name: 'verdict', tokenKey: '2' });
    expect(run(next.state, tokens(), tokens(token('1'))).state.screen).toEqual({ name: 'verdict', tokenKey: '1' });
  });

  it('Tab shows today from idle screens only, and goes back', () => {
    const today = run(start(), key('today'));
    expect(today.state.screen.name).toBe('today');
    expect(today.commands).toEqual([{ type: 'today' }]);
    expect(reduce(today.state, key('back')).state.screen.name).toBe('waiting');
    const atPin = run(start(), tokens(token('1')), key('submit')).state;
    expect(bindingFor(atPin, { input: '\t', name: 'tab' })).toBeNull();
  });
});
