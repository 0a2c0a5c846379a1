/** A server as the admin configured it. Stored in the data dir; never holds a secret. */
export interface ServerConfig {
  name: string;
  host: string;
  port: number;
  user: string;
  /** Private key file; when absent the agent and default identities are tried. */
  identityFile?: string;
  /** ProxyJump as `user@host:port` (user and port optional). */
  jump?: string;
  /** Run `wg` through `sudo -n` instead of as the login user. */
  sudo: boolean;
  group?: string;
  /** Poll interval in seconds (1–300); falls back to the global setting. */
  intervalSeconds?: number;
  /** Config file per interface when it is not `/etc/wireguard/<iface>.conf`. */
  configPaths?: Record<string, string>;
}

export interface JumpTarget {
  user?: string;
  host: string;
  port: number;
}
