/** The `capbu check --json` shape: a contract outside scripts rely on. */
import type { Inspection } from './inspect.js';

/** ISO 8601 in UTC to the second: certificates carry no finer time. */
export function isoUtc(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function inspectionJson(inspection: Inspection) {
  const { token } = inspection;
  return {
    token: { label: token.label, serial: token.serial, manufacturer: token.manufacturer, model: token.model },
    keyCheckLoggedIn: inspection.keyCheckLoggedIn,
    certificates: inspection.certificates.map((c) => ({
      serial: c.facts.serial,
      subject: c.facts.subject,
      issuer: c.facts.issuer,
      notBefore: isoUtc(c.facts.notBefore),
      notAfter: isoUtc(c.facts.notAfter),
      role: c.role,
      hasPrivateKey: c.hasPrivateKey,
      ...(c.renewed && { renewed: { oldSerial: c.renewed.oldSerial, at: isoUtc(c.renewed.at) } }),
      ...(c.decision && {
        decision: {
          campaign: c.decision.campaign,
          eligible: c.decision.eligible,
          reasons: [...c.decision.reasons],
          renewalNotAfter: c.decision.renewalNotAfter ? isoUtc(c.decision.renewalNotAfter) : null,
          warnings: [...c.decision.warnings],
          grant: c.decision.grant && {
            compensationNotAfter: isoUtc(c.decision.grant.compensationNotAfter),
            compensationDays: c.decision.grant.compensationDays,
            paid: c.decision.grant.paid,
          },
          rollout: c.decision.rollout,
        },
      }),
    })),
    unreadable: inspection.unreadable.map((u) => ({ label: u.label, error: u.error, problem: u.problem })),
    candidate: inspection.candidate?.facts.serial ?? null,
  };
}
