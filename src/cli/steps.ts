/** `capbu renew`'s progress on standard error: one line per step, started and ended on that line. */
import type { RenewalListener, RenewalStep } from '../renewal/steps.js';
import type { Translator } from '../i18n/catalog.js';

/** "850 ms" below a second, "10.8 s" / "10,8 giây" above. */
export function duration(t: Translator, ms: number): string {
  return ms < 1000 ? t.text('milliseconds', { n: ms }) : t.text('seconds', { n: (ms / 1000).toFixed(1) });
}

export function stepPrinter(stream: NodeJS.WritableStream, t: Translator): RenewalListener {
  return (step: RenewalStep) => {
    const vars = { attempt: step.attempt, code: step.code, duration: duration(t, step.status === 'started' ? step.waitMs ?? 0 : step.ms) };
    if (step.name === 'done' || step.name === 'queued' || step.name === 'failed') {
      stream.write(`${t.text(`step.${step.name}`, vars)}\n`);
    } else if (step.status === 'started') {
      stream.write(`${t.text(`step.${step.name}`, vars)}… `);
    } else {
      stream.write(`${t.text(step.status === 'done' ? 'stepOk' : 'stepFailed', vars)}\n`);
    }
  };
}
