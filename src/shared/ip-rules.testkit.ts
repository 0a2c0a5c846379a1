// The table every implementation of the address rule is held to (ip-rules.ts and the collector's scanner).
// [text, family of the bare address (null: not an address)]
export const ADDRESSES: [string, 4 | 6 | null][] = [
  ['198.18.0.1', 4],
  ['0.0.0.0', 4],
  ['198.18.255.255', 4],
  ['198.18.0.01', null], // a leading zero: octal to some parsers, refused
  ['198.018.0.1', null],
  ['198.18.0', null],
  ['198.18.0.256', null],
  ['198.18.0.1.5', null],
  [' 198.18.0.1', null],
  ['198.18.0.1 ', null],
  ['', null],
  ['::', 6],
  ['::1', 6],
  ['2001:2:0:1000::1', 6],
  ['2001:2:0:1ABC::1', 6],
  ['2001:2:0:1000::01', 6], // a group may have leading zeros (inet_pton does too)
  ['2001:2:0:1000::00001', null], // but at most four digits
  ['::ffff:198.18.0.1', 6],
  ['2001:2:0:1000:5:6:7:8', 6],
  ['2001:2:0:1000:5:6:7:8:9', null],
  [':::', null],
  ['2001:2:0:1000', null], // too few groups without "::"
  ['2001:2:0:1000::2::3', null],
  ['2001:2:0:1000::1%eth0', null], // a zone: not in AllowedIPs
  ['[2001:2:0:1000::1]', null],
  ['2001:2:0:1000::g', null],
  ['example.org', null],
];

// [text, valid as a prefix]
export const PREFIXES: [string, boolean][] = [
  ['198.18.0.0/15', true],
  ['198.18.0.1/32', true],
  ['0.0.0.0/0', true],
  ['198.18.0.1/33', false],
  ['198.18.0.1/032', false],
  ['198.18.0.01/32', false],
  ['198.18.0.1/', false],
  ['198.18.0.1/-1', false],
  ['198.18.0.1/3 2', false],
  ['::/0', true],
  ['2001:2:0:1000::/64', true],
  ['2001:2:0:1000::1/128', true],
  ['2001:2:0:1000::1/129', false],
  ['2001:2:0:1000::1/064', false],
  ['2001:2:0:1000/64', false],
  [':::/64', false],
  ['2001:2:0:1000::1%eth0/64', false],
  ['198.18.0.1', false], // no length
];
