import { describe, expect, it } from 'vitest';
import { listingAllowsWithoutPassword } from './sudo-check.ts';

/** `sudo -ll` as sudo 1.9.13 prints it in the C locale (captured on the lab). */
const listing = (entries: string, defaults = 'env_reset, mail_badpass, use_pty'): string =>
  `Matching Defaults entries for wgdeck-op on vm:\n    ${defaults}\n\n` +
  `User wgdeck-op may run the following commands on vm:\n${entries}`;
const entry = (commands: string[], options = 'Options: !authenticate', runAs = 'RunAsUsers: root'): string =>
  `\nSudoers entry:\n    ${runAs}\n${options ? `    ${options}\n` : ''}    Commands:\n${commands.map((c) => `\t${c}\n`).join('')}`;

const SH = '/bin/sh';

describe('listingAllowsWithoutPassword', () => {
  it('the lab`s rule (NOPASSWD: wg, /bin/sh) allows it; a wg-only rule does not', () => {
    expect(listingAllowsWithoutPassword(listing(entry(['/usr/bin/wg', '/bin/sh'])), SH)).toBe(true);
    expect(listingAllowsWithoutPassword(listing(entry(['/usr/bin/wg'])), SH)).toBe(false);
  });

  it('a rule that allows it only with a password does not (what sudo -n -l alone cannot tell)', () => {
    const debian = entry(['/usr/bin/wg']) + entry(['ALL'], '', 'RunAsUsers: ALL\n    RunAsGroups: ALL');
    expect(listingAllowsWithoutPassword(listing(debian), SH)).toBe(false);
    // The last matching rule decides: NOPASSWD after the password rule wins, before it loses.
    const later = entry(['ALL'], '', 'RunAsUsers: ALL') + entry(['/bin/sh']);
    expect(listingAllowsWithoutPassword(listing(later), SH)).toBe(true);
    const earlier = entry(['/bin/sh']) + entry(['ALL'], '', 'RunAsUsers: ALL');
    expect(listingAllowsWithoutPassword(listing(earlier), SH)).toBe(false);
  });

  it('NOPASSWD: ALL allows it; a Defaults !authenticate counts unless the entry says authenticate', () => {
    expect(
      listingAllowsWithoutPassword(listing(entry(['ALL'], 'Options: !authenticate', 'RunAsUsers: ALL')), SH),
    ).toBe(true);
    const byDefault = listing(entry(['/bin/sh'], ''), 'env_reset, !authenticate');
    expect(listingAllowsWithoutPassword(byDefault, SH)).toBe(true);
    const overridden = listing(entry(['/bin/sh'], 'Options: authenticate'), 'env_reset, !authenticate');
    expect(listingAllowsWithoutPassword(overridden, SH)).toBe(false);
  });

  it('what it cannot be sure of counts as "a password may be needed"', () => {
    for (const command of ['/bin/*', '/bin/sh -c *', '!/bin/sh', 'SHELLS', '/usr/bin/sh', '/bin/']) {
      const rules = entry(['/bin/sh']) + entry([command], 'Options: setenv');
      expect(listingAllowsWithoutPassword(listing(rules), SH), command).toBe(false);
    }
    expect(
      listingAllowsWithoutPassword(
        listing(entry(['/bin/sh'], 'Options: !authenticate', 'RunAsUsers: backup')),
        SH,
      ),
    ).toBe(false);
    expect(listingAllowsWithoutPassword('sudo: a password is required', SH)).toBe(false);
    expect(listingAllowsWithoutPassword('', SH)).toBe(false);
  });

  it('rules for other programs after the NOPASSWD one change nothing', () => {
    const rules = entry(['/bin/sh']) + entry(['/usr/bin/systemctl restart nginx', '/usr/sbin/reboot'], '');
    expect(listingAllowsWithoutPassword(listing(rules), SH)).toBe(true);
  });
});
