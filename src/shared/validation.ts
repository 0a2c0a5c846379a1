import { statusRuleSchema } from './domain.ts';
import { z } from 'zod';
import {
  INTERFACE_NAME_PATTERN,
  INTERFACE_NAME_RE,
  INTERFACE_NAME_RULE,
  isIPv4,
  isIPv6,
} from './ip-rules.ts';
import { escapeUnsafe } from './safe-text.ts';

/**
 * Input rules shared by the CLI, the IPC/HTTP boundary and the forms, so every door refuses the same
 * hostile or malformed values with the same message.
 */

export const serverNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'a server name is 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const hostnameRe =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
export function isValidHost(host: string): boolean {
  if (isIPv4(host)) return true;
  if (host.includes(':')) return isIPv6(host);
  // Digits and dots only is a malformed IPv4 address (198.18.0.01, 198.18.3), not a host name.
  if (/^[\d.]+$/.test(host)) return false;
  return hostnameRe.test(host);
}

export const hostSchema = z
  .string()
  .refine(isValidHost, 'a host is a DNS name, an IPv4 address or an IPv6 address (without brackets)');

export const portSchema = z.number().int().min(1).max(65535);

export const userSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/, 'a user name is 1–32 letters, digits, "_", "." or "-"');

export const intervalSchema = z.number().int().min(1).max(300);

/** How many jump hosts a chain may have: more is a typo or a loop, not a network. */
export const MAX_JUMP_HOPS = 8;

const JUMP_HOP_RULE = '[user@]host[:port] (IPv6 in brackets)';

/**
 * ProxyJump's syntax, as `ssh -J` takes it: one jump host (`user@host:port`, `host`, `[v6]:port`) or a
 * comma-separated chain of them, connected in order (`a,b`: a first, b through a, the server through b).
 */
export const jumpSchema = z.string().superRefine((value, ctx) => {
  const problem = jumpChainProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

export interface ParsedJump {
  user?: string;
  host: string;
  port: number;
}

/** One jump host, `[user@]host[:port]`; null when it is not one. */
export function parseJump(spec: string): ParsedJump | null {
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(spec);
  if (!match) return null;
  const [, user, rawHost, rawPort] = match;
  const host = rawHost!.startsWith('[') ? rawHost!.slice(1, -1) : rawHost!;
  const port = rawPort === undefined ? 22 : Number(rawPort);
  if (!isValidHost(host) || port < 1 || port > 65535) return null;
  if (user !== undefined && !userSchema.safeParse(user).success) return null;
  return user === undefined ? { host, port } : { user, host, port };
}

/** A jump chain (`a,b,c`), hops in the order they are connected; null when any hop is not one. */
export function parseJumpChain(spec: string): ParsedJump[] | null {
  if (jumpChainProblem(spec) !== null) return null;
  return spec.split(',').map((hop) => parseJump(hop)!);
}

/** What is wrong with a jump chain, naming the hop, for the forms, the CLI and the API alike; null when fine. */
export function jumpChainProblem(spec: string): string | null {
  const hops = spec.split(',');
  if (hops.length > MAX_JUMP_HOPS) {
    return `a jump chain has at most ${MAX_JUMP_HOPS} jump hosts, this one has ${hops.length}`;
  }
  const chain = hops.length > 1;
  for (const [i, hop] of hops.entries()) {
    if (parseJump(hop) !== null) continue;
    const which = chain ? `jump host ${i + 1} of ${hops.length}` : 'the jump host';
    if (hop === '') {
      return chain
        ? `${which} is empty: a jump chain is jump hosts separated by single commas, each ${JUMP_HOP_RULE}`
        : `a jump host is ${JUMP_HOP_RULE}`;
    }
    return `${which} (${quoted(hop)}) is not ${JUMP_HOP_RULE}${chain ? '; separate hosts with commas only' : ''}`;
  }
  return null;
}

/** The admin's own text, shown back in quotes: short, and no unsafe character as it is (safe-text.ts). */
function quoted(text: string): string {
  return `"${escapeUnsafe(text.length > 64 ? `${text.slice(0, 64)}…` : text)}"`;
}

/** A group's name: what `server.group` names (the same rule as there). */
export const groupNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}]+$/u, 'a group name is 1–64 characters, no control characters');

/** A group of servers (seed 001's NodeGroups): placement picks within one; higher priority wins ties. */
export const groupSchema = z.strictObject({
  name: groupNameSchema,
  region: z.string().min(1).max(64).optional(),
  description: z.string().max(500).optional(),
  priority: z.number().int().min(-1000).max(1000),
});

/** A server as the admin configured it (`ServerConfig`). Stored in the data dir; never holds a secret. */
export const serverConfigSchema = z.strictObject({
  name: serverNameSchema,
  host: hostSchema,
  port: portSchema,
  user: userSchema,
  /** Private key file; when absent the agent and default identities are tried. */
  identityFile: z.string().min(1).max(4096).optional(),
  /** ProxyJump as `user@host:port` (user and port optional), or a comma-separated chain of them. */
  jump: jumpSchema.optional(),
  /** Run `wg` through `sudo -n` instead of as the login user. */
  sudo: z.boolean(),
  group: groupNameSchema.optional(),
  /** Capacity for placement: how many peers it may carry (all interfaces). Unset: not placed on. */
  maxPeers: z.number().int().min(1).max(1_000_000).optional(),
  /** Placement weight (seed 001): a server of weight 2 takes twice the share of one of weight 1. */
  weight: z.number().positive().max(1000).optional(),
  /** This server's status rule (handshake, ping, either); absent: the fleet's (settings). */
  statusRule: statusRuleSchema.optional(),
  /** Poll interval in seconds (1–300); falls back to the global setting. */
  intervalSeconds: intervalSchema.optional(),
  /** Config file per interface when it is not `/etc/wireguard/<iface>.conf`. */
  configPaths: z
    .record(
      z.string().regex(INTERFACE_NAME_RE, INTERFACE_NAME_RULE),
      z
        .string()
        .max(4096)
        .regex(
          // The path travels to the server as an argument and is printed in the UI and the terminal:
          // a sane alphabet only (no ESC, CR, quotes, spaces, `$`, backquotes).
          new RegExp(`^/(?:[A-Za-z0-9._+=@,-]+/)*${INTERFACE_NAME_PATTERN}\\.conf$`),
          'an absolute path to IF.conf (the name wg-quick needs), of letters, digits and . _ + = @ , -',
        )
        .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'no "." or ".." segments'),
    )
    .optional(),
});
