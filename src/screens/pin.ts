/**
 * PIN entry. The reducer sees only how many characters are typed and decides what the PIN holder
 * does with each key; the characters themselves never enter the app's state.
 */
import { isPinCharacter } from '../token/pin.js';
import { step, tokenOf, type ScreenReducer } from './state.js';

export const pinReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'pin') return null;
  const screen = state.screen;
  const token = tokenOf(state, screen.tokenKey);
  if (!token) return null;
  const { minLength, maxLength } = token.pin;
  if (action.type === 'text') {
    // A Vietnamese input method left on sends letters the token would take as another PIN.
    if (!isPinCharacter(action.char)) return step({ ...state, screen: { ...screen, problem: 'nonAscii' } });
    if (screen.length >= maxLength) return step({ ...state, screen: { ...screen, problem: 'tooLong' } });
    return step({ ...state, screen: { ...screen, length: screen.length + 1, problem: null } }, [], 'push');
  }
  if (action.type !== 'key') return null;
  switch (action.action) {
    case 'previous':
      if (screen.length === 0) return step(state);
      return step({ ...state, screen: { ...screen, length: screen.length - 1, problem: null } }, [], 'pop');
    case 'back':
      return step({ ...state, screen: { name: 'verdict', tokenKey: screen.tokenKey } }, [], 'clear');
    case 'submit': {
      if (screen.length < minLength) return step({ ...state, screen: { ...screen, problem: 'tooShort' } });
      if (token.pin.finalTry || token.pin.kioskTriesLeft === 1) {
        return step({ ...state, screen: { name: 'confirmFinal', tokenKey: screen.tokenKey, length: screen.length } });
      }
      return step(
        { ...state, screen: { name: 'progress', tokenKey: screen.tokenKey, steps: [] } },
        [{ type: 'renew', tokenKey: screen.tokenKey, finalTry: false }],
        'send',
      );
    }
    default:
      return null;
  }
};
