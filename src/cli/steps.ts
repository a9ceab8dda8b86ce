/** `capbu renew`'s progress on standard error: one line per step, started and ended on that line. */
import type { RenewalListener, RenewalStep } from '../renewal/steps.js';
import type { Translator } from '../i18n/catalog.js';
import { columns, wrap, wrapLine } from './wrap.js';

/** "850 ms" below a second, "10.8 s" / "10,8 giây" above. */
export function duration(t: Translator, ms: number): string {
  return ms < 1000 ? t.text('milliseconds', { n: ms }) : t.text('seconds', { n: (ms / 1000).toFixed(1) });
}

/**
 * Each step's name is written when it starts and its outcome when it ends, on the same line; an
 * outcome that would pass `width` goes on a line of its own, indented, so nothing is cut by the
 * terminal's own wrap.
 */
export function stepPrinter(stream: NodeJS.WritableStream, t: Translator, width: number | null): RenewalListener {
  let column = 0;
  return (step: RenewalStep) => {
    const vars = { attempt: step.attempt, code: step.code, duration: duration(t, step.status === 'started' ? step.waitMs ?? 0 : step.ms) };
    if (step.name === 'done' || step.name === 'queued' || step.name === 'failed') {
      stream.write(`${wrap(t.text(`step.${step.name}`, vars), width)}\n`);
    } else if (step.status === 'started') {
      const lines = wrapLine(`${t.text(`step.${step.name}`, vars)}…`, width);
      stream.write(lines.join('\n'));
      column = columns(lines.at(-1)!);
    } else {
      const outcome = t.text(step.status === 'done' ? 'stepOk' : 'stepFailed', vars);
      stream.write(width !== null && column + 1 + columns(outcome) > width ? `\n  ${outcome}\n` : ` ${outcome}\n`);
    }
  };
}
