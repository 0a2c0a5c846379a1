/**
 * known_hosts files that attack the parser and the host matcher. known-hosts.test.ts checks what they
 * yield; `npm run bench -- knownhosts` measures how long they take.
 */

/** A 2 MB garbage line and a 1 MB key, then one valid entry for ok.example on line 3. */
export function longLinesKnownHosts(validKeyText: string): string {
  const garbage = 'x'.repeat(2_000_000);
  const longKey = `long.example ssh-ed25519 ${'A'.repeat(1_000_000)}`;
  return `${garbage}\n${longKey}\nok.example ${validKeyText}\n`;
}

/**
 * Line 1: a backtracking bomb (`*a*a…*ab`). Line 2: half a million stars before a `z`, then 50,000
 * wildcard patterns h0.*?*?*.example … h49999.*?*?*.example.
 */
export function pathologicalPatternsKnownHosts(firstKeyText: string, secondKeyText: string): string {
  const evil = '*a'.repeat(100_000) + 'b';
  const stars = '*'.repeat(500_000) + 'z';
  const many = Array.from({ length: 50_000 }, (_, i) => `h${i}.*?*?*.example`).join(',');
  return `${evil} ${firstKeyText}\n${stars},${many} ${secondKeyText}\n`;
}
