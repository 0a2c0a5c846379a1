/**
 * Seed 001's placement formula, exactly: base = (active peers / max peers) / weight; CPU penalty
 * > 80 % +0.5, > 60 % +0.2, > 40 % +0.05; memory penalty > 85 % +0.4, > 70 % +0.15, > 50 % +0.05;
 * score = base + penalties, lowest wins. Without CPU/memory metrics the score is the base alone (the
 * seed's fallback). Ties break by the group's priority (higher first), then by name.
 *
 * (The seed's worked example scores "Memory 60 %" as +0.15, which its own thresholds make +0.05; the
 * thresholds are the rule here.)
 */
import type { ServerLive } from '../../../shared/domain.ts';
import { isStreaming } from '../../../shared/liveness.ts';
import type { Placement, PlacementRow } from '../../../shared/placement.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';

/** Above each threshold (strictly), its penalty; the first that applies counts. */
const CPU_PENALTIES: readonly (readonly [number, number])[] = [
  [80, 0.5],
  [60, 0.2],
  [40, 0.05],
];
const MEMORY_PENALTIES: readonly (readonly [number, number])[] = [
  [85, 0.4],
  [70, 0.15],
  [50, 0.05],
];

function penalty(percent: number | null, table: typeof CPU_PENALTIES): number {
  if (percent === null) return 0;
  return table.find(([above]) => percent > above)?.[1] ?? 0;
}

/** Frames older than this many intervals are not "fresh metrics". */
const FRESH_INTERVALS = 3;

export interface PlacementInput {
  config: ServerConfig;
  live: ServerLive | undefined;
  /** The server's poll interval (s), to judge freshness. */
  intervalSeconds: number;
  /** Its group's priority (0 when the group is not defined). */
  priority: number;
}

function memoryPercent(live: ServerLive): number | null {
  const s = live.system;
  if (!s || s.memTotalBytes === null || s.memUsedBytes === null || s.memTotalBytes <= 0) return null;
  return (s.memUsedBytes / s.memTotalBytes) * 100;
}

/** Why the server cannot take the peer, or null. */
function ineligibility(input: PlacementInput, totalPeers: number, nowMs: number): string | null {
  const { config, live } = input;
  if (config.maxPeers === undefined) return 'no max peers set';
  if (!live || !isStreaming(live)) return 'down (not streaming)';
  if (live.updatedAt === null || nowMs - live.updatedAt > FRESH_INTERVALS * input.intervalSeconds * 1000)
    return 'no fresh metrics';
  if (totalPeers >= config.maxPeers) return `full (${totalPeers} of ${config.maxPeers} peers)`;
  return null;
}

/** Scores are sums of decimals (0.3 + 0.05 + 0.15): rounded, so equal scores tie and print cleanly. */
const round = (x: number): number => Math.round(x * 1e6) / 1e6;

export function placementRow(input: PlacementInput, nowMs: number): PlacementRow {
  const { config, live } = input;
  const peers = live?.interfaces.flatMap((i) => i.peers) ?? [];
  const activePeers = peers.filter((p) => p.status === 'online').length;
  const weight = config.weight ?? 1;
  const cpuPercent = live?.system?.cpuPercent ?? null;
  const memory = live ? memoryPercent(live) : null;
  const why = ineligibility(input, peers.length, nowMs);
  const base = config.maxPeers === undefined ? null : round(activePeers / config.maxPeers / weight);
  const cpuPenalty = penalty(cpuPercent, CPU_PENALTIES);
  const memoryPenalty = penalty(memory, MEMORY_PENALTIES);
  const partial =
    cpuPercent === null || memory === null ? 'no CPU/memory metrics: the score is the base alone' : null;
  return {
    name: config.name,
    group: config.group ?? null,
    activePeers,
    totalPeers: peers.length,
    maxPeers: config.maxPeers ?? null,
    weight,
    cpuPercent,
    memoryPercent: memory,
    base,
    cpuPenalty,
    memoryPenalty,
    score: base === null ? null : round(base + cpuPenalty + memoryPenalty),
    eligible: why === null,
    reason: why ?? partial,
  };
}

/** The ranking of `inputs` (already limited to the group, if any). */
export function rankPlacement(
  inputs: readonly PlacementInput[],
  group: string | null,
  nowMs: number,
): Placement {
  const rows = inputs.map((input) => ({ row: placementRow(input, nowMs), priority: input.priority }));
  rows.sort((a, b) => {
    if (a.row.eligible !== b.row.eligible) return a.row.eligible ? -1 : 1;
    if (a.row.eligible && a.row.score !== b.row.score) return a.row.score! - b.row.score!;
    if (a.row.eligible && a.priority !== b.priority) return b.priority - a.priority;
    return a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0;
  });
  const servers = rows.map((r) => r.row);
  return { group, servers, chosen: servers[0]?.eligible ? servers[0].name : null };
}
