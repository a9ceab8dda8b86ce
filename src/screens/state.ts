/**
 * The kiosk app's state and its one reducer. Each screen's own transitions live beside its view
 * (sign-in.ts, pin.ts …); this file routes to them and handles what every screen shares: tokens
 * coming and going, the status line, the demo panel. Pure: no I/O, no clock, no PIN.
 */
import type { Language } from '../i18n/catalog.js';
import type { Action } from './keys.js';
import type {
  DemoView,
  DeviceView,
  EngineCommand,
  EngineEvent,
  ErrorView,
  OutcomeView,
  StatusView,
  StepView,
  TodayView,
  TokenView,
} from './model.js';

export type Screen =
  | { readonly name: 'signIn'; readonly draft: string }
  | { readonly name: 'waiting' }
  | { readonly name: 'choose'; readonly index: number }
  | { readonly name: 'verdict'; readonly tokenKey: string }
  | { readonly name: 'pin'; readonly tokenKey: string; readonly length: number; readonly problem: PinProblem | null; readonly lastError: ErrorView | null }
  | { readonly name: 'confirmFinal'; readonly tokenKey: string; readonly length: number }
  | { readonly name: 'progress'; readonly tokenKey: string; readonly steps: readonly StepView[] }
  | { readonly name: 'done'; readonly tokenKey: string; readonly outcome: OutcomeView }
  | { readonly name: 'error'; readonly tokenKey: string | null; readonly error: ErrorView; readonly retry: 'pin' | null }
  | { readonly name: 'today'; readonly back: Screen };

export type ScreenName = Screen['name'];

export type PinProblem = 'nonAscii' | 'tooShort' | 'tooLong';

export interface AppState {
  readonly screen: Screen;
  readonly operator: string | null;
  /** How the operator came to be: typed at the sign-in screen, or given (flag, setting, self-service). */
  readonly operatorSource: 'signIn' | 'given' | 'selfService';
  readonly tokens: readonly TokenView[];
  readonly devices: readonly DeviceView[];
  readonly status: StatusView | null;
  readonly today: TodayView | null;
  readonly demo: DemoView | null;
  readonly canPrint: boolean;
  /** Quit was asked while a certificate was being written: the app leaves once the write ends. */
  readonly quitting: boolean;
  /** The app should exit now. */
  readonly exit: boolean;
  /** A line shown above the screen's body, e.g. that an interrupted renewal will resume. */
  readonly notice: Notice | null;
  /** Whether the last receipt sent to the printer went; null before any. */
  readonly printed: boolean | null;
  /** The campaign's zone, for dates and times on screen; known once the engine is ready. */
  readonly timeZone: string | null;
  /** A token the clerk is done with but has not pulled yet: it does not reopen its verdict. */
  readonly dismissed: string | null;
  /** The language the screens speak: the one the app started in, until the clerk switches. */
  readonly language: Language;
}

export type Notice = 'interrupted' | 'resumed' | 'quitAfterWrite' | 'tokenPulled';

/** What happens to the PIN the input layer holds. The reducer decides, the holder obeys. */
export type PinEffect = 'push' | 'pop' | 'clear' | 'send';

export interface Step {
  readonly state: AppState;
  readonly commands: readonly EngineCommand[];
  readonly pin: PinEffect | null;
}

export type AppAction =
  | { readonly type: 'engine'; readonly event: EngineEvent }
  | { readonly type: 'key'; readonly action: Action; readonly input: string }
  /** A printable character typed on a screen that takes text. */
  | { readonly type: 'text'; readonly char: string };

export interface StartOptions {
  readonly operator: string | null;
  readonly selfService: boolean;
  readonly demo: boolean;
  readonly canPrint: boolean;
}

export function initialState(options: StartOptions, language: Language = 'vi'): AppState {
  const operatorSource = options.selfService ? 'selfService' : options.operator ? 'given' : 'signIn';
  return {
    screen: operatorSource === 'signIn' ? { name: 'signIn', draft: '' } : { name: 'waiting' },
    operator: options.operator,
    operatorSource,
    tokens: [],
    devices: [],
    status: null,
    today: null,
    demo: options.demo ? { customers: [], linkUp: true } : null,
    canPrint: options.canPrint,
    quitting: false,
    exit: false,
    notice: null,
    printed: null,
    timeZone: null,
    dismissed: null,
    language,
  };
}

export function step(state: AppState, commands: readonly EngineCommand[] = [], pin: PinEffect | null = null): Step {
  return { state, commands, pin };
}

/** A screen's own reducer: handles its keys and text, or returns null to let the shared rules act. */
export type ScreenReducer = (state: AppState, action: AppAction) => Step | null;

export function tokenOf(state: AppState, key: string): TokenView | undefined {
  return state.tokens.find((t) => t.key === key);
}

/** The screen a token gets the moment it is the one in front of the clerk. */
export function screenForTokens(tokens: readonly TokenView[]): Screen {
  if (tokens.length === 0) return { name: 'waiting' };
  if (tokens.length > 1) return { name: 'choose', index: 0 };
  return { name: 'verdict', tokenKey: tokens[0]!.key };
}

/** Whether the screen is about one token, and which. */
export function screenToken(screen: Screen): string | null {
  return 'tokenKey' in screen ? screen.tokenKey : null;
}

/** Idle screens: nothing is being typed or done for a customer, so Tab may show today's figures. */
export function isIdle(screen: Screen): boolean {
  return screen.name === 'waiting' || screen.name === 'choose' || screen.name === 'verdict' || screen.name === 'done' || screen.name === 'error';
}

export function writing(state: AppState): boolean {
  if (state.screen.name !== 'progress') return false;
  const current = state.screen.steps.at(-1);
  return current !== undefined && current.status === 'started' && (current.name === 'write' || current.name === 'verify' || current.name === 'remove-old');
}
