/** The renewal's steps as the core reports them; the screen itself takes no keys but Ctrl-C. */
import type { StepView } from './model.js';

/** A step's latest report replaces its earlier one, in the order the steps began. */
export function withStep(steps: readonly StepView[], next: StepView): readonly StepView[] {
  const at = steps.findIndex((s) => s.name === next.name);
  if (at < 0) return [...steps, next];
  return steps.map((s, i) => (i === at ? next : s));
}
