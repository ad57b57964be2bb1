import { z } from 'zod';
import {
  APPLICATION_KINDS,
  APPLICATION_STATUSES,
  CO_USE_STATUSES,
  FIBRE_ROUTE_KINDS,
  PLACEMENTS,
  STRUCTURE_TYPES,
  TECHNOLOGIES,
  VERDICTS,
  AREA_CLASSES,
} from '../enums';
import { LIMITS } from '../limits';
import { LineStringGeometry, PointGeometry } from '../geo/geometry';

// The permit desk (issue 8): applications for new sites and fibre routes,
// the automatic compliance checks, officer decisions, shared-capacity search
// and co-use requests. Request and response schemas, used by the server's
// validation and the client's forms alike.

const Id = z.number().int().positive();
const Text = z.string().trim().max(LIMITS.textMaxLength);
const Timestamp = z.string();

/** One planned sector of a proposed site (what the coverage gain is computed from). */
export const ProposedSector = z.object({
  technology: z.enum(TECHNOLOGIES),
  bandMhz: z.number().min(LIMITS.bandMinMHz).max(LIMITS.bandMaxMHz),
  azimuthDeg: z.number().min(0).max(LIMITS.azimuthMaxDeg),
  /** 360 = omnidirectional. */
  beamwidthDeg: z.number().gt(0).max(LIMITS.beamwidthMaxDeg).default(65),
  antennaHeightM: z.number().gt(0).max(LIMITS.antennaHeightMaxMeters),
  tiltDeg: z.number().min(LIMITS.tiltMinDeg).max(LIMITS.tiltMaxDeg).default(0),
});
export type ProposedSector = z.infer<typeof ProposedSector>;

/** The facts of a new-site application; frozen once submitted. */
export const SiteFacts = z.object({
  structureType: z.enum(STRUCTURE_TYPES),
  heightM: z.number().gt(0).max(LIMITS.heightMaxMeters),
  /** How many carriers the structure will carry, the applicant included. */
  tenantCapacity: z.number().int().min(1).max(LIMITS.tenantCapacityMax),
  technologies: z.array(z.enum(TECHNOLOGIES)).min(1).max(TECHNOLOGIES.length),
  bandsMhz: z.array(z.number().min(LIMITS.bandMinMHz).max(LIMITS.bandMaxMHz)).max(20).default([]),
  sectors: z.array(ProposedSector).max(24).default([]),
  /** Carriers the applicant intends to host on the structure. */
  intendedTenantCarrierIds: z.array(Id).max(LIMITS.tenantCapacityMax).default([]),
  /** Why the existing structures nearby cannot be shared (answers the co-location check). */
  sharingJustification: Text.optional(),
  address: z.string().trim().max(LIMITS.nameMaxLength).optional(),
});
export type SiteFacts = z.infer<typeof SiteFacts>;

/** How one segment (between consecutive vertices) of a proposed route is laid. */
export const RouteSegment = z.object({
  placement: z.enum(PLACEMENTS),
  /** The existing conduit this segment is pulled through (answers the must-use check). */
  conduitId: Id.optional(),
  /** The existing trench or utility tunnel this segment uses. */
  trenchId: Id.optional(),
});
export type RouteSegment = z.infer<typeof RouteSegment>;

export const RouteFacts = z.object({
  kind: z.enum(FIBRE_ROUTE_KINDS),
  fibreCount: z.number().int().min(1).max(LIMITS.fibreCountMax),
  /** One per segment of the line: coordinates.length − 1 entries. */
  segments: z.array(RouteSegment).min(1).max(10_000),
  name: z.string().trim().max(LIMITS.nameMaxLength).optional(),
});
export type RouteFacts = z.infer<typeof RouteFacts>;

export const SEGMENT_REASON = 'segments_mismatch';

const SiteProposal = z.object({
  kind: z.literal('site'),
  geometry: PointGeometry,
  facts: SiteFacts,
  justification: Text.optional(),
});
const RouteProposal = z
  .object({
    kind: z.literal('route'),
    geometry: LineStringGeometry,
    facts: RouteFacts,
    justification: Text.optional(),
  })
  .superRefine((value, ctx) => {
    const expected = value.geometry.coordinates.length - 1;
    if (value.facts.segments.length !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['facts', 'segments'],
        message: `${SEGMENT_REASON}: the line has ${expected} segment(s); give one placement for each`,
      });
    }
  });

/** What a carrier proposes: a site (point) or a route (line), with its facts. */
export const Proposal = z.discriminatedUnion('kind', [SiteProposal, RouteProposal]);
export type Proposal = z.infer<typeof Proposal>;

export const CreateApplicationInput = Proposal;
export type CreateApplicationInput = Proposal;

/** Replaces a draft's proposal; names the version read. */
export const UpdateDraftInput = z.object({ proposal: Proposal, version: z.number().int().optional() });
export type UpdateDraftInput = z.infer<typeof UpdateDraftInput>;

/** A new revision of a submitted application: new facts, frozen at once, checked again. */
export const AmendApplicationInput = z.object({ proposal: Proposal, reason: Text.min(1), version: z.number().int().optional() });
export type AmendApplicationInput = z.infer<typeof AmendApplicationInput>;

export const TransitionInput = z.object({ version: z.number().int().optional(), reason: Text.optional() });
export type TransitionInput = z.infer<typeof TransitionInput>;

export const DecisionInput = z.object({
  decision: z.enum(['approve', 'reject']),
  /** Mandatory: the grounds written into the decision letter. */
  reason: Text.min(5),
  version: z.number().int().optional(),
});
export type DecisionInput = z.infer<typeof DecisionInput>;

export const ReportBuiltInput = z.object({
  commissionedOn: z.iso.date().optional(),
  version: z.number().int().optional(),
});
export type ReportBuiltInput = z.infer<typeof ReportBuiltInput>;

/** GeoJSON out of the server: any geometry, structure not re-validated. */
export const GeometryOut = z.object({ type: z.string(), coordinates: z.unknown() });
export const EvidenceFeature = z.object({
  type: z.literal('Feature'),
  geometry: GeometryOut,
  /** role: zone, structure, buffer, overlap, proposal…; id, name, distanceM… */
  properties: z.record(z.string(), z.unknown()),
});
export type EvidenceFeature = z.infer<typeof EvidenceFeature>;

export const CheckResult = z.object({
  ruleId: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  verdict: z.enum(VERDICTS),
  /** A fail of a blocking rule prevents approval. */
  blocking: z.boolean(),
  message: z.string(),
  /** Object ids, distances in metres, zone names, capacities, the params used. */
  evidence: z.record(z.string(), z.unknown()),
  /** Geometries to draw for the officer. */
  features: z.array(EvidenceFeature),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const CheckReport = z.object({
  checks: z.array(CheckResult),
  worstVerdict: z.enum(VERDICTS),
  /** Rule ids whose fail blocks approval. */
  blockingFailures: z.array(z.string()),
  areaClass: z.enum(AREA_CLASSES),
  metricSrid: z.number().int(),
  durationMs: z.number(),
});
export type CheckReport = z.infer<typeof CheckReport>;

/** Pre-check: the checks for a location before filing; department roles may name the applicant. */
export const PreCheckInput = z.object({ proposal: Proposal, applicantCarrierId: Id.optional() });
export type PreCheckInput = z.infer<typeof PreCheckInput>;

export const ApplicationSummary = z.object({
  id: z.number().int(),
  reference: z.string(),
  kind: z.enum(APPLICATION_KINDS),
  applicantCarrierId: z.number().int(),
  applicantCarrierCode: z.string(),
  applicantCarrierName: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  currentRevision: z.number().int(),
  geometry: GeometryOut,
  worstVerdict: z.enum(VERDICTS).nullable(),
  submittedAt: Timestamp.nullable(),
  decidedAt: Timestamp.nullable(),
  decisionReason: z.string().nullable(),
  decisionNumber: z.string().nullable(),
  siteId: z.number().int().nullable(),
  fibreRouteId: z.number().int().nullable(),
  /** Status of the permitted site or route (permitted until reported built, then active); null before approval. */
  assetStatus: z.string().nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ApplicationSummary = z.infer<typeof ApplicationSummary>;

export const Attachment = z.object({
  id: z.number().int(),
  revision: z.number().int(),
  filename: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  createdAt: Timestamp,
});
export type Attachment = z.infer<typeof Attachment>;

export const RevisionView = z.object({
  revision: z.number().int(),
  geometry: GeometryOut,
  facts: z.record(z.string(), z.unknown()),
  justification: z.string().nullable(),
  frozen: z.boolean(),
  createdAt: Timestamp,
  checks: z.array(CheckResult.extend({ checkedAt: Timestamp })),
});
export type RevisionView = z.infer<typeof RevisionView>;

export const HistoryEntry = z.object({
  at: Timestamp,
  username: z.string().nullable(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
});

export const ApplicationDetail = ApplicationSummary.extend({
  revisions: z.array(RevisionView),
  attachments: z.array(Attachment),
  history: z.array(HistoryEntry),
});
export type ApplicationDetail = z.infer<typeof ApplicationDetail>;

export const ApplicationListQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : undefined))
    .pipe(z.array(z.enum(APPLICATION_STATUSES)).optional()),
  kind: z.enum(APPLICATION_KINDS).optional(),
  /** Applications whose proposal lies in this administrative unit (a district, say). */
  adminUnitId: z.coerce.number().int().positive().optional(),
  /** Worst verdict of the current revision's checks. */
  verdict: z.enum(VERDICTS).optional(),
  /** Submitted at least this many days ago. */
  minAgeDays: z.coerce.number().min(0).optional(),
  applicantCarrierId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
export type ApplicationListQuery = z.infer<typeof ApplicationListQuery>;

export const ApplicationPage = z.object({ items: z.array(ApplicationSummary), total: z.number().int(), nextCursor: z.string().nullable() });

export const PermitRule = z.object({
  id: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  appliesTo: z.array(z.enum(APPLICATION_KINDS)),
  params: z.record(z.string(), z.unknown()),
  blocking: z.boolean(),
  enabled: z.boolean(),
  version: z.number().int(),
});
export type PermitRule = z.infer<typeof PermitRule>;

export const UpdatePermitRuleInput = z.object({
  params: z.record(z.string(), z.unknown()).optional(),
  blocking: z.boolean().optional(),
  enabled: z.boolean().optional(),
  version: z.number().int().optional(),
});
export type UpdatePermitRuleInput = z.infer<typeof UpdatePermitRuleInput>;

// ------------------------------------------------------------------ sharing

export const SHARED_STRUCTURE_KINDS = ['site', 'pole', 'conduit', 'trench'] as const;
export type SharedStructureKind = (typeof SHARED_STRUCTURE_KINDS)[number];

export const SharedCapacityInput = z.object({
  geometry: z.discriminatedUnion('type', [PointGeometry, LineStringGeometry]),
  radiusM: z.number().gt(0).max(5_000).default(500),
  kinds: z.array(z.enum(SHARED_STRUCTURE_KINDS)).min(1).default([...SHARED_STRUCTURE_KINDS]),
  limit: z.number().int().min(1).max(500).default(100),
});
export type SharedCapacityInput = z.infer<typeof SharedCapacityInput>;

export const OwnerContact = z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() });

export const SharedStructure = z.object({
  kind: z.enum(SHARED_STRUCTURE_KINDS),
  id: z.number().int(),
  code: z.string(),
  /** Site structure type, or trench kind. */
  type: z.string().nullable(),
  heightM: z.number().nullable(),
  status: z.string(),
  owner: z.object({ id: z.number().int(), code: z.string(), name: z.string(), website: z.string().nullable() }),
  /** The owner's contact: shown to department staff and the owner; other carriers ask through a co-use request. */
  contact: OwnerContact.nullable(),
  /** 'tenants' (sites), 'positions' (poles), 'ducts' (conduits, trenches). */
  unit: z.enum(['tenants', 'positions', 'ducts']),
  capacityTotal: z.number().int(),
  capacityUsed: z.number().int(),
  capacityFree: z.number().int(),
  distanceM: z.number(),
  geometry: GeometryOut,
});
export type SharedStructure = z.infer<typeof SharedStructure>;

export const SharedCapacityResult = z.object({ items: z.array(SharedStructure), radiusM: z.number() });

// ------------------------------------------------------------------ co-use

export const CreateCoUseRequestInput = z.object({
  structure: z.object({ kind: z.enum(SHARED_STRUCTURE_KINDS), id: Id }),
  /** Ducts or positions asked for (one tenancy on a site). */
  quantity: z.number().int().min(1).max(LIMITS.ductsMax).default(1),
  message: Text.optional(),
  /** The permit application this request belongs to, if any. */
  applicationId: Id.optional(),
});
export type CreateCoUseRequestInput = z.infer<typeof CreateCoUseRequestInput>;

export const AnswerCoUseRequestInput = z
  .object({
    decision: z.enum(['accept', 'decline']),
    reason: Text.optional(),
    version: z.number().int().optional(),
  })
  .refine((v) => v.decision === 'accept' || (v.reason !== undefined && v.reason.length > 0), {
    path: ['reason'],
    message: 'required: a decline must give its reason',
  });
export type AnswerCoUseRequestInput = z.infer<typeof AnswerCoUseRequestInput>;

export const CoUseRequest = z.object({
  id: z.number().int(),
  requesterCarrierId: z.number().int(),
  requesterCarrierCode: z.string(),
  ownerCarrierId: z.number().int(),
  ownerCarrierCode: z.string(),
  structure: z.object({ kind: z.enum(SHARED_STRUCTURE_KINDS), id: z.number().int(), code: z.string().nullable() }),
  applicationId: z.number().int().nullable(),
  status: z.enum(CO_USE_STATUSES),
  message: z.string().nullable(),
  quantity: z.number().int(),
  answerReason: z.string().nullable(),
  deadline: Timestamp,
  answeredAt: Timestamp.nullable(),
  /** The site tenancy an acceptance created (sites). */
  tenancyId: z.number().int().nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
});
export type CoUseRequest = z.infer<typeof CoUseRequest>;

export const CoUseListQuery = z.object({
  status: z.enum(CO_USE_STATUSES).optional(),
  /** 'incoming' (I own the structure), 'outgoing' (I asked); carriers only. */
  direction: z.enum(['incoming', 'outgoing']).optional(),
  carrierId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageSizeMax).default(LIMITS.pageSizeDefault),
  cursor: z.string().max(500).optional(),
});
export type CoUseListQuery = z.infer<typeof CoUseListQuery>;

export const CoUsePage = z.object({ items: z.array(CoUseRequest), total: z.number().int(), nextCursor: z.string().nullable() });

/** Per owner: how it answers requests to share (the department sees who refuses). */
export const CoUseOwnerReport = z.object({
  ownerCarrierId: z.number().int(),
  ownerCarrierCode: z.string(),
  ownerCarrierName: z.string(),
  received: z.number().int(),
  accepted: z.number().int(),
  declined: z.number().int(),
  /** Not answered by the deadline. */
  expired: z.number().int(),
  pending: z.number().int(),
  /** (declined + expired) ÷ (accepted + declined + expired): a lapsed deadline counts as a refusal; null when none settled. */
  refusalRate: z.number().nullable(),
  declineReasons: z.array(z.object({ requestId: z.number().int(), requesterCarrierCode: z.string(), reason: z.string(), answeredAt: Timestamp })),
});
export const CoUseReport = z.object({ items: z.array(CoUseOwnerReport) });
