/**
 * The kiosk app's one reducer: the current screen's own reducer first, then what every screen
 * shares — tokens plugged and pulled, the renewal's reports, the status line, quitting.
 */
import { chooseReducer } from './choose.js';
import { confirmFinalReducer } from './confirm-final.js';
import { doneReducer } from './done.js';
import { errorReducer } from './error-screen.js';
import type { EngineEvent, TokenView } from './model.js';
import { pinReducer } from './pin.js';
import { withStep } from './progress.js';
import { signInReducer } from './sign-in.js';
import {
  isIdle,
  screenForTokens,
  screenToken,
  step,
  writing,
  type AppAction,
  type AppState,
  type Screen,
  type ScreenReducer,
  type Step,
} from './state.js';
import { todayReducer } from './today.js';
import { verdictReducer } from './verdict.js';
import { waitingReducer } from './waiting.js';

const SCREENS: readonly ScreenReducer[] = [
  signInReducer,
  waitingReducer,
  chooseReducer,
  verdictReducer,
  pinReducer,
  confirmFinalReducer,
  doneReducer,
  errorReducer,
  todayReducer,
];

/** PIN errors send the clerk back to the PIN field; anything else is the error screen. */
const BACK_TO_PIN = new Set(['PIN_INCORRECT', 'PIN_INVALID', 'FINAL_TRY_NEEDS_CONFIRMATION']);
/** Failures worth another try with the same token once the cause is gone. */
const RETRYABLE = new Set(['TOKEN_ERROR', 'SERVER_REPLY_INVALID', 'SERVER_UNREACHABLE', 'STORE_FAILED', 'INTERNAL', 'TOKEN_WRITE_MISMATCH']);

export function reduce(state: AppState, action: AppAction): Step {
  for (const screen of SCREENS) {
    const handled = screen(state, action);
    if (handled) return handled;
  }
  if (action.type === 'engine') return onEngine(state, action.event);
  if (action.type === 'key') return onSharedKey(state, action.action, action.input);
  return step(state);
}

function onSharedKey(state: AppState, action: string, input: string): Step {
  switch (action) {
    case 'quit':
      if (writing(state)) return step({ ...state, quitting: true, notice: 'quitAfterWrite' });
      return step({ ...state, exit: true }, [{ type: 'quit' }], 'clear');
    case 'today':
      if (!isIdle(state.screen)) return step(state);
      return step({ ...state, screen: { name: 'today', back: state.screen } }, [{ type: 'today' }]);
    case 'demoPlug':
      // Plugging by hand is the clerk asking for that token: a dismissed one may show again.
      return step({ ...state, dismissed: null }, [{ type: 'demoPlug', key: input }]);
    case 'demoPull':
      return step(state, [{ type: 'demoPull' }]);
    case 'demoLink':
      return step(state, [{ type: 'demoLink' }]);
    default:
      return step(state);
  }
}

function onEngine(state: AppState, event: EngineEvent): Step {
  switch (event.type) {
    case 'ready':
      return step({ ...state, status: event.status, timeZone: event.campaign.timeZone });
    case 'status':
      return step({ ...state, status: event.status });
    case 'devices':
      return step({ ...state, devices: event.devices });
    case 'today':
      return step({ ...state, today: event.today });
    case 'demo':
      return step({ ...state, demo: event.demo });
    case 'printed':
      return step({ ...state, printed: event.ok });
    case 'language':
      return step({ ...state, language: event.language });
    case 'fatal':
      return step({ ...state, exit: true });
    case 'tokens':
      return onTokens(state, event.tokens);
    case 'step':
      if (state.screen.name !== 'progress') return step(state);
      return step({ ...state, screen: { ...state.screen, steps: withStep(state.screen.steps, event.step) } });
    case 'outcome': {
      if (state.screen.name !== 'progress') return step(state);
      const next = { ...state, notice: null, screen: { name: 'done' as const, tokenKey: state.screen.tokenKey, outcome: event.outcome } };
      return state.quitting ? step({ ...next, exit: true }, [{ type: 'quit' }]) : step(next);
    }
    case 'failed': {
      if (state.screen.name !== 'progress') return step(state);
      const { tokenKey } = state.screen;
      const tokens = event.pin ? state.tokens.map((t) => (t.key === tokenKey ? { ...t, pin: event.pin! } : t)) : state.tokens;
      if (state.quitting) return step({ ...state, tokens, exit: true }, [{ type: 'quit' }]);
      const screen: Screen = BACK_TO_PIN.has(event.error.code)
        ? { name: 'pin', tokenKey, length: 0, problem: null, lastError: event.error }
        : { name: 'error', tokenKey, error: event.error, retry: RETRYABLE.has(event.error.code) ? 'pin' : null };
      return step({ ...state, tokens, screen }, [], 'clear');
    }
  }
}

/** Tokens plugged or pulled: every screen about a pulled token goes back to waiting. */
function onTokens(state: AppState, tokens: readonly TokenView[]): Step {
  const dismissed = state.dismissed && tokens.some((t) => t.key === state.dismissed) ? state.dismissed : null;
  const fresh = tokens.filter((t) => t.key !== dismissed);
  const next: AppState = { ...state, tokens, dismissed };
  const screen = state.screen.name === 'today' ? state.screen.back : state.screen;
  const about = screenToken(screen);
  const followed = (target: Screen): Step => {
    const placed = state.screen.name === 'today' ? { name: 'today' as const, back: target } : target;
    return step({ ...next, screen: placed, notice: next.notice });
  };
  if (about !== null && !tokens.some((t) => t.key === about)) {
    // A renewal cut by the pull resumes from its journaled step at the next plug.
    const notice = screen.name === 'progress' ? ('interrupted' as const) : ('tokenPulled' as const);
    const target = screenForTokens(fresh);
    const placed = state.screen.name === 'today' ? { name: 'today' as const, back: target } : target;
    const quit = state.quitting && screen.name === 'progress';
    return step({ ...next, screen: placed, notice, exit: quit || state.exit }, quit ? [{ type: 'quit' }] : [], 'clear');
  }
  switch (screen.name) {
    case 'waiting':
      return fresh.length > 0 ? followed(screenForTokens(fresh)) : step(next);
    case 'choose':
      if (fresh.length <= 1) return followed(screenForTokens(fresh));
      return followed({ name: 'choose', index: Math.min(screen.index, fresh.length - 1) });
    case 'verdict':
      // A second token while the clerk only looks: both are named and the clerk picks.
      if (fresh.length > 1) return followed({ name: 'choose', index: Math.max(0, fresh.findIndex((t) => t.key === about)) });
      return step(next);
    case 'done':
    case 'error':
      return about !== null && tokens.some((t) => t.key === about) ? step(next) : followed(screenForTokens(fresh));
    default:
      return step(next);
  }
}
