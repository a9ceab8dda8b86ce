/** A check's verdicts as check.decided events: one per certificate decided, naming its campaign. */
import { appendEvent, journaled } from '../store/journal.js';
import type { Store } from '../store/store.js';
import type { Inspection } from './inspect.js';

export function journalDecisions(db: Store, inspection: Inspection, operator: string | null, at: Date): void {
  journaled(db, () => {
    for (const c of inspection.certificates) {
      if (!c.decision) continue;
      appendEvent(db, {
        type: 'check.decided',
        operator,
        data: {
          tokenSerial: inspection.token.serial,
          certificateSerial: c.facts.serial,
          campaign: c.decision.campaign,
          eligible: c.decision.eligible,
          reasons: [...c.decision.reasons],
        },
        at,
      });
    }
  });
}
