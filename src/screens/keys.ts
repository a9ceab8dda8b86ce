/**
 * The one key-binding table: the input handler looks keys up here and the footer lists the same
 * rows, so the footer can never say a key does something it does not.
 */
import type { AppState, ScreenName } from './state.js';

export type KeyName = 'return' | 'escape' | 'tab' | 'up' | 'down' | 'backspace' | 'ctrl-c';

/** A named key, or one printable character. */
export type KeySpec = KeyName | { readonly char: string } | 'digit';

export type Action =
  | 'quit'
  | 'submit'
  | 'back'
  | 'today'
  | 'retry'
  | 'print'
  | 'confirm'
  | 'next'
  | 'previous'
  | 'signOut'
  | 'language'
  | 'demoPlug'
  | 'demoPull'
  | 'demoLink';

export interface Binding {
  readonly keys: readonly KeySpec[];
  readonly action: Action;
  /** What the footer shows for the key, and the words for the action (catalogue keys). */
  readonly key: string;
  readonly label: string;
  /** When false the key does nothing on this screen and the footer leaves it out. */
  readonly when?: (state: AppState) => boolean;
  /** Shown in the footer; false for keys that are shown elsewhere (the demo panel). */
  readonly inFooter?: boolean;
}

const char = (c: string): KeySpec => ({ char: c });

const demo = (state: AppState) => state.demo !== null;
const signedInByHand = (state: AppState) => state.operatorSource === 'signIn';

const DEMO: readonly Binding[] = [
  { keys: ['digit'], action: 'demoPlug', key: 'kiosk.key.digits', label: 'kiosk.action.demoPlug', when: demo, inFooter: false },
  { keys: [char('u')], action: 'demoPull', key: 'kiosk.key.u', label: 'kiosk.action.demoPull', when: demo, inFooter: false },
  { keys: [char('n')], action: 'demoLink', key: 'kiosk.key.n', label: 'kiosk.action.demoLink', when: demo, inFooter: false },
];

const TODAY: Binding = { keys: ['tab'], action: 'today', key: 'kiosk.key.tab', label: 'kiosk.action.today' };
const QUIT_ANYWHERE: Binding = { keys: ['ctrl-c'], action: 'quit', key: 'kiosk.key.ctrlC', label: 'kiosk.action.quit', inFooter: false };

export const BINDINGS: Readonly<Record<ScreenName, readonly Binding[]>> = {
  signIn: [
    { keys: ['return'], action: 'submit', key: 'kiosk.key.enter', label: 'kiosk.action.signIn' },
    { keys: ['backspace'], action: 'previous', key: 'kiosk.key.backspace', label: 'kiosk.action.erase' },
    { ...QUIT_ANYWHERE, inFooter: true },
  ],
  waiting: [
    { keys: [char('q')], action: 'quit', key: 'kiosk.key.q', label: 'kiosk.action.quit' },
    TODAY,
    { keys: [char('o')], action: 'signOut', key: 'kiosk.key.o', label: 'kiosk.action.signOut', when: signedInByHand },
    { keys: [char('l')], action: 'language', key: 'kiosk.key.l', label: 'kiosk.action.language' },
    ...DEMO,
    QUIT_ANYWHERE,
  ],
  choose: [
    { keys: ['up'], action: 'previous', key: 'kiosk.key.up', label: 'kiosk.action.previous' },
    { keys: ['down'], action: 'next', key: 'kiosk.key.down', label: 'kiosk.action.next' },
    { keys: ['return'], action: 'submit', key: 'kiosk.key.enter', label: 'kiosk.action.choose' },
    TODAY,
    ...DEMO,
    QUIT_ANYWHERE,
  ],
  verdict: [
    { keys: ['return'], action: 'submit', key: 'kiosk.key.enter', label: 'kiosk.action.start', when: (s) => selectedEligible(s) },
    { keys: ['escape'], action: 'back', key: 'kiosk.key.esc', label: 'kiosk.action.otherToken', when: (s) => s.tokens.length > 1 },
    TODAY,
    ...DEMO,
    QUIT_ANYWHERE,
  ],
  pin: [
    { keys: ['return'], action: 'submit', key: 'kiosk.key.enter', label: 'kiosk.action.submitPin' },
    { keys: ['backspace'], action: 'previous', key: 'kiosk.key.backspace', label: 'kiosk.action.erase' },
    { keys: ['escape'], action: 'back', key: 'kiosk.key.esc', label: 'kiosk.action.back' },
    QUIT_ANYWHERE,
  ],
  confirmFinal: [
    { keys: [char('y')], action: 'confirm', key: 'kiosk.key.y', label: 'kiosk.action.confirmFinal' },
    { keys: [char('n'), 'escape'], action: 'back', key: 'kiosk.key.nEsc', label: 'kiosk.action.back' },
    QUIT_ANYWHERE,
  ],
  progress: [QUIT_ANYWHERE],
  done: [
    { keys: ['return'], action: 'submit', key: 'kiosk.key.enter', label: 'kiosk.action.nextCustomer' },
    { keys: [char('p')], action: 'print', key: 'kiosk.key.p', label: 'kiosk.action.print', when: (s) => s.canPrint && receiptOf(s) !== null },
    ...DEMO,
    QUIT_ANYWHERE,
  ],
  error: [
    { keys: [char('r')], action: 'retry', key: 'kiosk.key.r', label: 'kiosk.action.retry', when: (s) => s.screen.name === 'error' && s.screen.retry !== null },
    { keys: ['escape'], action: 'back', key: 'kiosk.key.esc', label: 'kiosk.action.back' },
    TODAY,
    ...DEMO,
    QUIT_ANYWHERE,
  ],
  today: [{ keys: ['tab', 'escape'], action: 'back', key: 'kiosk.key.tabEsc', label: 'kiosk.action.back' }, ...DEMO, QUIT_ANYWHERE],
};

function selectedEligible(state: AppState): boolean {
  if (state.screen.name !== 'verdict') return false;
  const key = state.screen.tokenKey;
  const token = state.tokens.find((t) => t.key === key);
  const candidate = token?.certificates.find((c) => c.serial === token.candidate);
  if (!token || token.pin.locked) return false;
  // An interrupted or queued renewal is finished with the PIN, whatever the old certificate now says.
  return token.unfinished !== null || candidate?.decision?.eligible === true;
}

function receiptOf(state: AppState): string | null {
  return state.screen.name === 'done' && state.screen.outcome.status !== 'queued' ? state.screen.outcome.receiptPath : null;
}

/** What a keypress means, as Ink reports it. */
export interface Keypress {
  readonly input: string;
  readonly name: KeyName | null;
}

function matches(spec: KeySpec, press: Keypress): boolean {
  if (spec === 'digit') return press.name === null && /^[0-9]$/.test(press.input);
  if (typeof spec === 'string') return press.name === spec;
  return press.name === null && press.input === spec.char;
}

/**
 * One chunk of typing, key by key. A barcode scanner or a paste sends "Nguyễn Văn A\r" in one go
 * and Ink hands it over whole, with no key flags: the Enter in it must submit, not become part of
 * the text, and no other control character may reach a field (it would end up in the journal).
 */
export function splitTyping(input: string): Keypress[] {
  const presses: Keypress[] = [];
  let afterReturn = false;
  for (const char of input) {
    const wasReturn = afterReturn;
    afterReturn = char === '\r';
    if (char === '\r' || (char === '\n' && !wasReturn)) presses.push({ input: '', name: 'return' });
    else if (char === '\x7f' || char === '\b') presses.push({ input: '', name: 'backspace' });
    else if (!/\p{Cc}/u.test(char)) presses.push({ input: char, name: null });
  }
  return presses;
}

/** The binding a key triggers on the current screen, if any. */
export function bindingFor(state: AppState, press: Keypress): Binding | null {
  for (const binding of BINDINGS[state.screen.name]) {
    if (binding.keys.some((k) => matches(k, press)) && (binding.when?.(state) ?? true)) return binding;
  }
  return null;
}

/** The rows the footer shows on the current screen. */
export function footerBindings(state: AppState): readonly Binding[] {
  return BINDINGS[state.screen.name].filter((b) => b.inFooter !== false && (b.when?.(state) ?? true));
}
