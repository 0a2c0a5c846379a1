/**
 * OpenSSH's wildcards (`*` any run, `?` one character; everything else literal), for `Host` lines
 * and for `Include` globs, and a `Host` line's verdict: some pattern matches and no `!negated` one.
 */

const cache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    const body = [...pattern]
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 's');
    cache.set(pattern, re);
  }
  return re.test(text);
}

export function hasWildcard(text: string): boolean {
  return /[*?]/.test(text);
}

/** Whether a `Host` line with these patterns applies to `host` (matched case-sensitively, as ssh does). */
export function hostLineMatches(patterns: readonly string[], host: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!wildcardMatch(negated ? pattern.slice(1) : pattern, host)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The names a `Host` line gives one machine: neither wildcards nor negations (those are defaults). */
export function literalHosts(patterns: readonly string[]): string[] {
  return patterns.filter((p) => p !== '' && !p.startsWith('!') && !hasWildcard(p));
}
