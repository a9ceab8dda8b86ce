/** Progress against the rollout plan: per phase, per hardware version, the share renewed against the target. */
import { calendarDate } from '../../../i18n/dates.js';
import type { PlanReport } from '../../api.js';
import { Table } from './blocks.js';
import { count, type ViewContext } from './page.js';

const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)} %`);

export function PlanSection({ v, plan }: { v: ViewContext; plan: PlanReport }) {
  const { t } = v;
  return (
    <section aria-labelledby="plan-title" id="plan" data-refresh="">
      <h2 id="plan-title">{t.text('dash.plan.title')}</h2>
      {plan.phases.map((phase) => (
        <div key={phase.id} className="phase">
          <h3>
            {t.text('dash.plan.phase', { id: phase.id, from: calendarDate(phase.from), to: calendarDate(phase.to), status: t.text(`dash.plan.status.${phase.status}`) })}
          </h3>
          <p className="hint">
            {t.text('dash.plan.summary', { days: phase.daysLeft, renewed: count(v, phase.renewed), self: percent(phase.selfServiceShare) })}
          </p>
          <Table
            v={v}
            id={`table-plan-${phase.id}`}
            rows={phase.versions}
            rowClass={(l) => (l.onTrack === false ? 'stale' : undefined)}
            columns={[
              { head: t.text('dash.col.hardware'), cell: (l) => l.hardwareVersion },
              { head: t.text('dash.figure.eligible'), cell: (l) => count(v, l.eligibleKnown), numeric: true },
              { head: t.text('dash.figure.renewed'), cell: (l) => count(v, l.renewed), numeric: true },
              { head: t.text('dash.plan.share'), cell: (l) => percent(l.share), numeric: true },
              { head: t.text('dash.plan.target'), cell: (l) => percent(l.target), numeric: true },
              { head: t.text('dash.plan.onTrack'), cell: (l) => t.text(`dash.plan.track.${String(l.onTrack)}`) },
            ]}
          />
        </div>
      ))}
    </section>
  );
}
