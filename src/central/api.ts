/**
 * The wire contract between kiosks and the centre, as TypeBox schemas: the server validates
 * requests with them and the kiosk's client (src/sync/) checks replies with them, so both ends
 * share one definition of every shape.
 */
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';

/** Every reply carries the centre's clock here (ISO 8601, UTC) so kiosks can spot their skew. */
export const TIME_HEADER = 'x-capbu-time';

export const API_PREFIX = '/v1';

export const CHANNELS = ['counter', 'field', 'self'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a kiosk sends: an object that refuses any property it does not name. */
const Closed = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Channel = Type.Union(CHANNELS.map((c) => Type.Literal(c)));
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
/** Base64 of DER; well-formedness is checked by the handler, which owes it its own error code. */
const Base64Der = Type.String({ minLength: 1, maxLength: 16_384 });
const IsoTime = Type.String({ maxLength: 40 });

export const KIOSK_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

// --- Enrolment -----------------------------------------------------------------------------------

export const EnrolmentRequest = Closed({ code: Text(64) });
export type EnrolmentRequest = Static<typeof EnrolmentRequest>;

export const EnrolmentReply = Type.Object({
  kioskId: Type.String(),
  province: Type.String(),
  channel: Channel,
  /** Sent once; the centre keeps only its hash. */
  credential: Type.String(),
});
export type EnrolmentReply = Static<typeof EnrolmentReply>;

// --- Renewal -------------------------------------------------------------------------------------

export const TokenDescription = Closed({
  serial: Text(64),
  manufacturer: Type.String({ maxLength: 64 }),
  model: Type.String({ maxLength: 64 }),
  hardwareVersion: Type.String({ maxLength: 32 }),
});
export type TokenDescription = Static<typeof TokenDescription>;

export const RenewalRequest = Closed({
  /** Chosen by the kiosk, once per renewal attempt, and reused on every retry of it. */
  idempotencyKey: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }),
  oldCertificate: Base64Der,
  csr: Base64Der,
  token: TokenDescription,
  operator: Text(128),
  channel: Channel,
  /** A supervisor's override of the rollout plan for this certificate (src/campaign/override.ts). */
  rolloutOverride: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
});
export type RenewalRequest = Static<typeof RenewalRequest>;

export const IssuedCertificate = Type.Object({
  /** Base64 DER of the new certificate. */
  certificate: Type.String(),
  /** Lowercase hex, no leading zeros. */
  serial: Type.String(),
  oldSerial: Type.String(),
  notBefore: IsoTime,
  notAfter: IsoTime,
  issuedAt: IsoTime,
});
export type IssuedCertificate = Static<typeof IssuedCertificate>;

// --- Registry sync -------------------------------------------------------------------------------

/** A query string is text: the version is digits, read as a number by the route. */
export const RegistryQuery = Closed({ since: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) });
export type RegistryQuery = Static<typeof RegistryQuery>;

export const RegistryRow = Type.Object({
  serial: Type.String(),
  /** The old CA key that issued the certificate (src/campaign/registry.ts); absent when the export did not say. */
  issuerKeyId: Type.Optional(Type.String()),
  taxCode: Type.String(),
  contractEnd: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended')]),
  province: Nullable(Type.String()),
  /** The token sold with the certificate, where the registry says (the rollout plan goes by it). */
  hardwareVersion: Type.Optional(Nullable(Type.String())),
  /** The paid extension billing has for the certificate, so the kiosk shows it before renewing. */
  paidOrder: Type.Optional(Nullable(Type.Object({ orderId: Type.String(), paidUntil: Type.String(), paidAt: Nullable(Type.String()) }))),
});
export type RegistryRow = Static<typeof RegistryRow>;

export const RegistryReply = Type.Object({
  /** Pass this as `since` next time to get only what changed after it. */
  version: Type.Integer(),
  rows: Type.Array(RegistryRow),
});
export type RegistryReply = Static<typeof RegistryReply>;

// --- Journal events ------------------------------------------------------------------------------

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });

/**
 * One event of a kiosk's hash-chained journal (src/journal/format.ts has the hash rule). `at` and
 * the bounds on `data` (depth, size, integers only) are checked by the handler, which owes them
 * their own words; the schema keeps the shape.
 */
export const KioskEvent = Closed({
  seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  at: Type.String({ minLength: 24, maxLength: 24 }),
  type: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z]+(\\.[A-Za-z]+)?$' }),
  operator: Nullable(Text(128)),
  data: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Hash,
  hash: Hash,
});
export type KioskEvent = Static<typeof KioskEvent>;

export const EVENTS_PER_BATCH = 500;

export const EventsRequest = Closed({ events: Type.Array(KioskEvent, { minItems: 1, maxItems: EVENTS_PER_BATCH }) });
export type EventsRequest = Static<typeof EventsRequest>;

export const EventsReply = Type.Object({
  /** The highest N such that this kiosk's events 1..N are all stored at the centre. */
  acknowledgedSeq: Type.Integer({ minimum: 0 }),
});
export type EventsReply = Static<typeof EventsReply>;

// --- Report --------------------------------------------------------------------------------------

export const ReportGroup = Type.Object({
  key: Type.String(),
  /** Null where the centre cannot know it (hardware and channel exist only once a renewal ran). */
  eligibleKnown: Nullable(Type.Integer()),
  renewed: Type.Integer(),
  remaining: Nullable(Type.Integer()),
  refused: Type.Record(Type.String(), Type.Integer()),
});
export type ReportGroup = Static<typeof ReportGroup>;

const Time = Nullable(IsoTime);

/** A kiosk as a province's page shows it: when it last synced and how long ago. */
export const KioskSync = Type.Object({
  id: Type.String(),
  province: Type.String(),
  channel: Type.String(),
  enrolledAt: Time,
  revokedAt: Time,
  lastSeenAt: Time,
  /** Seconds since lastSeenAt; null when never heard from. */
  notSyncedSeconds: Nullable(Type.Integer()),
  acknowledgedSeq: Type.Integer(),
  /** Journal events stored at the centre. */
  events: Type.Integer(),
});
export type KioskSync = Static<typeof KioskSync>;

/** A kiosk as the report shows it: its sync, and whether its journal at the centre is whole. */
export const KioskLine = Type.Object({
  ...KioskSync.properties,
  /** Missing seq ranges [from, to] below the highest stored. */
  gaps: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()])),
  chainOk: Type.Boolean(),
});
export type KioskLine = Static<typeof KioskLine>;

const Share = Nullable(Type.Number({ minimum: 0 }));

export const PlanVersionLine = Type.Object({
  hardwareVersion: Type.String(),
  /** This phase opens renewal for the version. */
  opens: Type.Boolean(),
  eligibleKnown: Type.Integer(),
  /** Renewed by the phase's last day, or by today while it runs. */
  renewed: Type.Integer(),
  /** renewed / eligibleKnown; null when no eligible certificate is known. */
  share: Share,
  /** The share the plan wants renewed by the phase's end; null where it sets none for this version. */
  target: Share,
  /** Past its end: share ≥ target; while it runs: ahead of a straight line to the target; else null. */
  onTrack: Nullable(Type.Boolean()),
});

export const PlanPhaseLine = Type.Object({
  id: Type.String(),
  from: Type.String(),
  to: Type.String(),
  status: Type.Union([Type.Literal('upcoming'), Type.Literal('open'), Type.Literal('ended')]),
  /** Days from today (counted) to the phase's last day; 0 once it ended. */
  daysLeft: Type.Integer(),
  target: Share,
  versions: Type.Array(PlanVersionLine),
  /** Renewals during the phase, and those customers did themselves (channel self). */
  renewed: Type.Integer(),
  selfService: Type.Integer(),
  selfServiceShare: Share,
});
export type PlanPhaseLine = Static<typeof PlanPhaseLine>;

export const PlanReport = Type.Object({
  /** The campaign's calendar date the figures are for. */
  today: Type.String(),
  phases: Type.Array(PlanPhaseLine),
  /** Of every renewal so far, the share customers did themselves. */
  selfServiceShare: Share,
});
export type PlanReport = Static<typeof PlanReport>;

/** Calendar days in the campaign's time zone. */
const RenewalsPerDay = Type.Array(Type.Object({ date: Type.String(), renewed: Type.Integer() }));

/** The campaign's progress over a scope of provinces (src/central/progress overview). */
export const Overview = Type.Object({
  campaign: Type.String(),
  generatedAt: IsoTime,
  total: ReportGroup,
  byProvince: Type.Array(ReportGroup),
  byHardwareVersion: Type.Array(ReportGroup),
  byChannel: Type.Array(ReportGroup),
  renewalsPerDay: RenewalsPerDay,
});
export type Overview = Static<typeof Overview>;

/** One campaign's share of the report (its certificates and renewals, told apart by their old CA key). */
export const CampaignLine = Type.Object({
  campaign: Type.String(),
  name: Type.String(),
  /** Known certificates of the campaign eligible now or renewed. */
  eligibleKnown: Type.Integer(),
  renewed: Type.Integer(),
  /** Progress against the campaign's rollout plan, when it has one. */
  plan: Nullable(PlanReport),
});
export type CampaignLine = Static<typeof CampaignLine>;

export const Report = Type.Object({
  ...Overview.properties,
  /** Each campaign of the set (or the one asked for), with its own figures and plan. */
  campaigns: Type.Array(CampaignLine),
  /** Each kiosk's journal as the centre holds it, and how long since it was last heard from. */
  kiosks: Type.Array(KioskLine),
  /** Progress against the campaign's rollout plan, when it has one. */
  plan: Type.Optional(PlanReport),
});
export type Report = Static<typeof Report>;


/** One province's page: the overview's figures for it alone (`total.refused` by reason), and its kiosks. */
export const ProvinceProgress = Type.Object({
  ...Type.Pick(Overview, ['campaign', 'generatedAt', 'total', 'renewalsPerDay']).properties,
  province: Type.String(),
  kiosks: Type.Array(KioskSync),
});
export type ProvinceProgress = Static<typeof ProvinceProgress>;

/** A customer still to renew: their certificate is eligible now and has no renewal. */
export const RemainingCustomer = Type.Object({
  /** As the registry has them; contractEnd is its calendar date (yyyy-mm-dd). */
  ...Type.Pick(RegistryRow, ['serial', 'taxCode', 'contractEnd']).properties,
  /** The end of what a renewal would grant (ISO time); past it the customer no longer counts. */
  eligibleUntil: IsoTime,
});
export type RemainingCustomer = Static<typeof RemainingCustomer>;

export const RemainingPage = Type.Object({
  customers: Type.Array(RemainingCustomer),
  /** Pass as `after` for the next page; null on the last. */
  next: Nullable(Type.String()),
});
export type RemainingPage = Static<typeof RemainingPage>;

// --- Errors --------------------------------------------------------------------------------------

export const ErrorReply = Type.Object({
  code: Type.String(),
  message: Type.String(),
  /** NOT_ELIGIBLE: the decision's reason codes, in decide()'s order. */
  reasons: Type.Optional(Type.Array(Type.String())),
  /** ALREADY_RENEWED: the certificate issued then, so a kiosk that lost that reply can install it. */
  renewal: Type.Optional(IssuedCertificate),
});
export type ErrorReply = Static<typeof ErrorReply>;
