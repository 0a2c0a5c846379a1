/**
 * Where a new peer goes (seed 001's load-aware node selection): the ranking every front end shows —
 * `wgdeck placement`, `peer add --server auto`, the add-peer dialog's "auto" — with each score's parts.
 */
import { z } from 'zod';

export const placementRowSchema = z.object({
  name: z.string(),
  group: z.string().nullable(),
  /** Peers online by the status rule, on every interface. */
  activePeers: z.number(),
  /** Peers configured, on every interface: what capacity is measured against. */
  totalPeers: z.number(),
  maxPeers: z.number().nullable(),
  weight: z.number(),
  cpuPercent: z.number().nullable(),
  memoryPercent: z.number().nullable(),
  /** (activePeers / maxPeers) / weight; null when it cannot be computed (no capacity set). */
  base: z.number().nullable(),
  cpuPenalty: z.number(),
  memoryPenalty: z.number(),
  /** base + penalties; lower is better. null when not eligible for lack of a base. */
  score: z.number().nullable(),
  eligible: z.boolean(),
  /** Why not eligible, or what was left out of the score (no CPU/memory metrics); null when neither. */
  reason: z.string().nullable(),
});
export type PlacementRow = z.infer<typeof placementRowSchema>;

export const placementSchema = z.object({
  /** The group ranked; null: the whole fleet. */
  group: z.string().nullable(),
  /** Eligible servers best first, then the others by name. */
  servers: z.array(placementRowSchema),
  /** The best eligible server; null when none is. */
  chosen: z.string().nullable(),
});
export type Placement = z.infer<typeof placementSchema>;
