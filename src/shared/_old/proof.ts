// Temporary: the inferred types are identical to the hand-written interfaces they replace.
import type * as OD from './domain.ts';
import type * as OE from './error-details.ts';
import type * as OH from './history.ts';
import type * as OL from './live-delta.ts';
import type * as OO from './peer-ops.ts';
import type * as OP from './peers.ts';
import type * as OS from './server-config.ts';
import type * as D from '../domain.ts';
import type * as E from '../error-details.ts';
import type * as H from '../history.ts';
import type * as L from '../live-delta.ts';
import type * as O from '../peer-ops.ts';
import type * as P from '../peers.ts';
import type * as S from '../server-config.ts';

/** Strict identity (optional vs `| undefined`, readonly, literal types all count). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Mutual assignability (what the compiler needs for the code to keep compiling). */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Both<A, B> = [Equal<A, B>, Mutual<A, B>];

export const checks: { [name: string]: [true, true] } = {
  ErrorDetails: [true, true] as Both<OE.ErrorDetails, E.ErrorDetails>,
  InterfaceCounters: [true, true] as Both<OD.InterfaceCounters, D.InterfaceCounters>,
  InterfaceRates: [true, true] as Both<OD.InterfaceRates, D.InterfaceRates>,
  PeerDump: [true, true] as Both<OD.PeerDump, D.PeerDump>,
  InterfaceDump: [true, true] as Both<OD.InterfaceDump, D.InterfaceDump>,
  SystemSample: [true, true] as Both<OD.SystemSample, D.SystemSample>,
  Snapshot: [true, true] as Both<OD.Snapshot, D.Snapshot>,
  PeerStatus: [true, true] as Both<OD.PeerStatus, D.PeerStatus>,
  StatusThresholds: [true, true] as Both<OD.StatusThresholds, D.StatusThresholds>,
  PeerLive: [true, true] as Both<OD.PeerLive, D.PeerLive>,
  InterfaceLive: [true, true] as Both<OD.InterfaceLive, D.InterfaceLive>,
  SystemLive: [true, true] as Both<OD.SystemLive, D.SystemLive>,
  ConnectionState: [true, true] as Both<OD.ConnectionState, D.ConnectionState>,
  ServerLive: [true, true] as Both<OD.ServerLive, D.ServerLive>,
  Tier: [true, true] as Both<OH.Tier, H.Tier>,
  Retention: [true, true] as Both<OH.Retention, H.Retention>,
  GapRange: [true, true] as Both<OH.GapRange, H.GapRange>,
  RateSeries: [true, true] as Both<OH.RateSeries, H.RateSeries>,
  GaugeSeries: [true, true] as Both<OH.GaugeSeries, H.GaugeSeries>,
  PeerSeries: [true, true] as Both<OH.PeerSeries, H.PeerSeries>,
  InterfaceSeries: [true, true] as Both<OH.InterfaceSeries, H.InterfaceSeries>,
  ServerSeries: [true, true] as Both<OH.ServerSeries, H.ServerSeries>,
  FleetSeries: [true, true] as Both<OH.FleetSeries, H.FleetSeries>,
  UsageBucket: [true, true] as Both<OH.UsageBucket, H.UsageBucket>,
  HandshakeEvent: [true, true] as Both<OH.HandshakeEvent, H.HandshakeEvent>,
  EndpointEvent: [true, true] as Both<OH.EndpointEvent, H.EndpointEvent>,
  HistoryEvents: [true, true] as Both<
    { handshakes: OH.HandshakeEvent[]; endpoints: OH.EndpointEvent[] },
    H.PeerEvents
  >,
  ServerDelta: [true, true] as Both<OL.ServerDelta, L.ServerDelta>,
  InterfaceDelta: [true, true] as Both<OL.InterfaceDelta, L.InterfaceDelta>,
  ServerProblem: [true, true] as Both<OL.ServerProblem, L.ServerProblem>,
  PeerAction: [true, true] as Both<OP.PeerAction, P.PeerAction>,
  PlanTier: [true, true] as Both<OP.PlanTier, P.PlanTier>,
  PlanChangeSummary: [true, true] as Both<OP.PlanChangeSummary, P.PlanChangeSummary>,
  SessionEffect: [true, true] as Both<OP.SessionEffect, P.SessionEffect>,
  TouchedPeer: [true, true] as Both<OP.TouchedPeer, P.TouchedPeer>,
  PlanPreview: [true, true] as Both<OP.PlanPreview, P.PlanPreview>,
  DriftField: [true, true] as Both<OP.DriftField, P.DriftField>,
  DriftDifference: [true, true] as Both<OP.DriftDifference, P.DriftDifference>,
  DriftPeer: [true, true] as Both<OP.DriftPeer, P.DriftPeer>,
  InterfaceDriftField: [true, true] as Both<OP.InterfaceDriftField, P.InterfaceDriftField>,
  InterfaceDriftDifference: [true, true] as Both<OP.InterfaceDriftDifference, P.InterfaceDriftDifference>,
  // Identical but for DriftReport's flattened intersection (driftFlat below).
  DriftReport: [true, true] as [true, Mutual<OP.DriftReport, P.DriftReport>],
  ConfigPeerView: [true, true] as Both<OO.ConfigPeerView, O.ConfigPeerView>,
  BackupInfo: [true, true] as Both<OO.BackupInfo, O.BackupInfo>,
  // Identical but for DriftReport's flattened intersection (driftFlat below).
  InterfaceConfigView: [true, true] as [true, Mutual<OO.InterfaceConfigView, O.InterfaceConfigView>],
  PreviewResult: [true, true] as Both<OO.PreviewResult, O.PreviewResult>,
  ClientConfigResult: [true, true] as Both<OO.ClientConfigResult, O.ClientConfigResult>,
  TxPhase: [true, true] as Both<OO.TxPhase, O.TxPhase>,
  PeerTxEvent: [true, true] as Both<OO.PeerTxEvent, O.PeerTxEvent>,
  ApplyResult: [true, true] as Both<OO.ApplyResult, O.ApplyResult>,
  PeerNames: [true, true] as Both<OO.PeerNames, O.PeerNames>,
  ServerInterface: [true, true] as Both<OO.ServerInterface, O.ServerInterface>,
  // Identical but for DriftReport's flattened intersection (driftFlat below).
  InterfaceDrift: [true, true] as [true, Mutual<OO.InterfaceDrift, O.InterfaceDrift>],
  ServerConfig: [true, true] as Both<OS.ServerConfig, S.ServerConfig>,
  JumpTarget: [true, true] as Both<OS.JumpTarget, S.JumpTarget>,
};

/** The old DriftReport's `different` was an intersection (`DriftPeer & {…}`); flattened, it is identical. */
type Flat<T> = { [K in keyof T]: T[K] };
type OldDriftFlat = {
  [K in keyof OP.DriftReport]: K extends 'different' ? Flat<OP.DriftReport['different'][number]>[] : OP.DriftReport[K];
};
export const driftFlat: true = true as Equal<OldDriftFlat, P.DriftReport>;
