/**
 * A peer's own monitoring options, kept with the peer in its config file as comments beside its name
 * (wg and wg-quick read them as comments), so every laptop that reads the file sees the same:
 *
 *   # CheckAddress = 198.18.8.1          what its ping check pings (check-address.ts)
 *   # StatusRule = ping                  its status rule: handshake, ping or either
 *   # StatusThresholds = 60/600          its online/stale thresholds, in seconds
 *
 * Declared once here: the config file reads and writes them, the engine applies them, the forms
 * and the CLI check them.
 */
import { z } from 'zod';
import { statusRuleSchema, type StatusRule } from './domain.ts';
import { thresholdsSchema } from './settings.ts';

export const THRESHOLDS_RULE =
  'thresholds are ONLINE/STALE seconds, online 10–86,400, stale 20–604,800 and above online (e.g. 60/600)';

/** A peer's own thresholds: the settings' bounds (thresholdsSchema), without a rule of their own. */
export const peerThresholdsSchema = z
  .strictObject({ onlineSeconds: z.number(), staleSeconds: z.number() })
  .superRefine((thresholds, ctx) => {
    if (!thresholdsSchema.safeParse(thresholds).success)
      ctx.addIssue({ code: 'custom', message: THRESHOLDS_RULE });
  });
export type PeerThresholds = z.infer<typeof peerThresholdsSchema>;

/** What a peer's comments say, for the live state (absent: the server's or the fleet's). */
export const peerOptionsSchema = z.object({
  checkAddress: z.string().optional(),
  rule: statusRuleSchema.optional(),
  onlineSeconds: z.number().optional(),
  staleSeconds: z.number().optional(),
});
export type PeerOptions = z.infer<typeof peerOptionsSchema>;

/** `60/600` → online 60 s, stale 600 s; null when it is not that (or breaks the settings' bounds). */
export function parseThresholdsText(text: string): PeerThresholds | null {
  const match = /^(\d{1,6})\s*\/\s*(\d{1,6})$/.exec(text.trim());
  if (!match) return null;
  const thresholds = { onlineSeconds: Number(match[1]), staleSeconds: Number(match[2]) };
  return peerThresholdsSchema.safeParse(thresholds).success ? thresholds : null;
}

export function formatThresholds(thresholds: PeerThresholds): string {
  return `${thresholds.onlineSeconds}/${thresholds.staleSeconds}`;
}

export function parseStatusRule(text: string): StatusRule | null {
  const rule = statusRuleSchema.safeParse(text.trim().toLowerCase());
  return rule.success ? rule.data : null;
}
