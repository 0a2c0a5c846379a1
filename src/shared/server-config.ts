import type { z } from 'zod';
import type { ParsedJump, groupSchema, serverConfigSchema } from './validation.ts';

/**
 * A server as the admin configured it. Stored in the data dir; never holds a secret. Declared once,
 * by its schema (validation.ts): what the schema accepts is exactly this type.
 */
export type ServerConfig = z.output<typeof serverConfigSchema>;

/** A ProxyJump target, as `parseJump` reads it. */
export type JumpTarget = ParsedJump;

/** A group of servers (seed 001): name, region, description, priority. */
export type Group = z.output<typeof groupSchema>;
