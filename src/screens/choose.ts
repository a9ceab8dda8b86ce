/** Several tokens plugged at once: both named, the clerk picks one. */
import { step, type ScreenReducer } from './state.js';

export const chooseReducer: ScreenReducer = (state, action) => {
  if (state.screen.name !== 'choose' || action.type !== 'key') return null;
  const { index } = state.screen;
  const count = state.tokens.length;
  if (action.action === 'next') return step({ ...state, screen: { name: 'choose', index: (index + 1) % count } });
  if (action.action === 'previous') return step({ ...state, screen: { name: 'choose', index: (index + count - 1) % count } });
  if (action.action === 'submit') {
    const token = state.tokens[index];
    return token ? step({ ...state, screen: { name: 'verdict', tokenKey: token.key } }) : step(state);
  }
  return null;
};
