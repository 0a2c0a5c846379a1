import { z } from 'zod';
import { groupSchema } from './validation.ts';

/** A group as listed: its settings, whether it is defined (or only named by servers), its servers. */
export const groupSummarySchema = groupSchema.extend({
  /** false: no `group add` yet — some server names it; it has priority 0 until defined. */
  defined: z.boolean(),
  servers: z.array(z.string()),
});
export type GroupSummary = z.infer<typeof groupSummarySchema>;
