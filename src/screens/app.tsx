/**
 * The kiosk app: one state, one reducer, one key table. The engine (the core, in a worker) reports
 * what happens; keys become actions; the reducer decides; commands go back to the engine.
 */
import { Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { translator, type Translator } from '../i18n/catalog.js';
import { ChooseView } from './choose-view.js';
import { ConfirmFinalView } from './confirm-final-view.js';
import { DoneView } from './done-view.js';
import { ErrorView } from './error-view.js';
import { DEMO_PANEL_WIDTH, Frame } from './frame.js';
import { bindingFor, splitTyping, type KeyName } from './keys.js';
import type { EngineCommand, EngineEvent } from './model.js';
import { PinHolder } from './pin-holder.js';
import { PinView } from './pin-view.js';
import { ProgressView } from './progress-view.js';
import { reduce } from './reduce.js';
import { SignInView } from './sign-in-view.js';
import { initialState, tokenOf, type AppAction, type AppState, type PinEffect, type StartOptions } from './state.js';
import { TodayView } from './today-view.js';
import { VerdictView } from './verdict-view.js';
import { WaitingView } from './waiting-view.js';
import { WordsContext } from './words.js';

/** The app's side of the engine: commands out (the PIN moved alongside a renewal), events in. */
export interface KioskEngine {
  send(command: EngineCommand, pin?: Uint8Array): void;
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

export interface KioskAppProps {
  readonly engine: KioskEngine;
  readonly options: StartOptions;
  /** The words the app starts with; the clerk may switch language (`l`) while it runs. */
  readonly t: Translator;
  readonly supportLine: string;
}

/** Longer than any token's ulMaxPinLen we have seen; the token's own limit is checked by the reducer. */
const PIN_CAPACITY = 256;
const TEXT_SCREENS = new Set(['signIn', 'pin']);

function keyName(input: string, key: Key): KeyName | null {
  if (key.ctrl && input === 'c') return 'ctrl-c';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.backspace || key.delete) return 'backspace';
  return null;
}

function useTerminalSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** A counter for spinners, running only while something is in progress. */
function useTick(active: boolean): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), 100);
    return () => clearInterval(timer);
  }, [active]);
  return tick;
}

export function KioskApp({ engine, options, t, supportLine }: KioskAppProps) {
  const { exit } = useApp();
  const [state, setState] = useState<AppState>(() => initialState(options, t.language));
  const current = useRef(state);
  const pin = useRef(new PinHolder(PIN_CAPACITY));

  const dispatch = useCallback(
    (action: AppAction) => {
      const result = reduce(current.current, action);
      current.current = result.state;
      applyPin(pin.current, result.pin, action);
      for (const command of result.commands) {
        engine.send(command, command.type === 'renew' ? pin.current.take() : undefined);
      }
      setState(result.state);
      if (result.state.exit) exit();
    },
    [engine, exit],
  );

  useEffect(() => engine.subscribe((event) => dispatch({ type: 'engine', event })), [engine, dispatch]);
  useEffect(() => () => pin.current.clear(), []);

  useInput((input, key) => {
    const name = keyName(input, key);
    const presses = name === null ? splitTyping(input) : [{ input, name }];
    // Each press is read on the screen it lands on: after an Enter in the chunk, that is the next one.
    for (const press of presses) {
      if (press.name === null && TEXT_SCREENS.has(current.current.screen.name)) {
        dispatch({ type: 'text', char: press.input });
        continue;
      }
      const binding = bindingFor(current.current, press);
      if (binding) dispatch({ type: 'key', action: binding.action, input: press.input });
    }
  });

  const { width, height } = useTerminalSize();
  const tick = useTick(state.screen.name === 'progress');
  const bodyWidth = width - 2 - (state.demo ? DEMO_PANEL_WIDTH : 0);
  const words = useMemo(() => (state.language === t.language ? t : translator(state.language)), [state.language, t]);
  return (
    <WordsContext.Provider value={words}>
      <Frame state={state} width={width} height={height}>
        <Body state={state} tick={tick} width={bodyWidth} supportLine={supportLine} />
      </Frame>
    </WordsContext.Provider>
  );
}

function applyPin(holder: PinHolder, effect: PinEffect | null, action: AppAction): void {
  if (effect === 'push' && action.type === 'text') holder.push(action.char);
  else if (effect === 'pop') holder.pop();
  else if (effect === 'clear') holder.clear();
  // 'send' is done where the renew command leaves, so the PIN goes with it and nowhere else.
}

function Body({ state, tick, width, supportLine }: { state: AppState; tick: number; width: number; supportLine: string }) {
  const { screen } = state;
  const key = 'tokenKey' in screen ? screen.tokenKey : null;
  const token = key ? tokenOf(state, key) : undefined;
  switch (screen.name) {
    case 'signIn':
      return <SignInView screen={screen} />;
    case 'waiting':
      return <WaitingView state={state} />;
    case 'choose':
      return <ChooseView state={state} screen={screen} />;
    case 'verdict':
      return token ? <VerdictView token={token} /> : <Text> </Text>;
    case 'pin':
      return token ? <PinView screen={screen} token={token} /> : <Text> </Text>;
    case 'confirmFinal':
      return <ConfirmFinalView />;
    case 'progress':
      return <ProgressView screen={screen} tick={tick} />;
    case 'done':
      return <DoneView screen={screen} printed={state.printed} />;
    case 'error':
      return <ErrorView screen={screen} supportLine={supportLine} />;
    case 'today':
      return <TodayView state={state} width={width} />;
  }
}
