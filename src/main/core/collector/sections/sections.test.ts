import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFrameText } from '../fixtures.ts';
import type { RawFrame } from '../frame-decoder.ts';
import { FrameDecoder } from '../frame-decoder.ts';
import { parseFrame } from '../parse-frame.ts';
import { collectorCommand, collectorScript } from '../remote-script.ts';
import { SECTION_NAMES, SECTIONS } from './index.ts';
import { readSections } from './read-sections.ts';
import type { AnySection } from './section.ts';
import { checkSections, defineSection, parsed, sh, unusable } from './section.ts';

/**
 * The collector script (without ping checks) as reviewed: first written by hand before sections were
 * declared, then the delta frames of sections/wg.ts, then one awk per frame for the dump and one for
 * the /proc files. A change to any section's shell shows here.
 */
const HAND_WRITTEN_SCRIPT = String.raw`
export LC_ALL=C
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"
iv=$1
max=$3
if [ "$2" = sudo ]; then WG="sudo -n wg"; else WG="wg"; fi
if ! command -v wg >/dev/null 2>&1; then
  echo "@wgdeck fatal no-wg the 'wg' command (wireguard-tools) is not installed on this server"
  exit 127
fi
kev=$6; wgn=; wgp=; kf=; wga='function key(){return NF==9 ? $1 FS $2 : $1} BEGIN{FS=OFS="\t"} NF==0{next} $0=="@@"{c=1; next} !c{o[key()]=$0; next} /^@rc [0-9]+$/{rc=substr($0,5)+0; next} {if(NF==9){if($3!="(none)")$3="(hidden)"} else if($2!="(none)")$2="(hidden)"; d[++m]=$0; if(base!="") dk[m]=key()} END{if(rc!=0){print "@wgdeck wg " rc; exit 1} if(base==""){print "@wgdeck wg 0"; for(i=1;i<=m;i++) print d[i]} else{print "@wgdeck wg 0 delta " base; for(i=1;i<=m;i++){k=dk[i]; s[k]=1; if(!(k in o) || o[k]!=d[i]) print "+ " d[i]} for(k in o) if(!(k in s)) print "- " k} if(keep) for(i=1;i<=m;i++) print d[i] > "/dev/fd/3"}'
case "$kev" in ''|*[!0-9]*) kev=0;; esac
trap 'kf=1' USR1
n=0
while :; do
  n=$((n+1))
  echo "@wgdeck frame $n"
  read -r tup _ </proc/uptime
  echo "@wgdeck time $(date +%s) $tup"
  # wg's stderr is kept out of a good dump (sudo's "unable to resolve host" warns yet exits 0); on
  # failure wg runs once more just to capture why. The dump never sits in a shell variable on its
  # way out (dash is slow with 100 KB strings); only the masked copy a delta needs does.
  wgb=
  if [ -n "$kf" ]; then kf=; wgn=; fi
  if [ "$kev" -gt 0 ] && [ -n "$wgn" ] && [ $((n % kev)) -ne 0 ]; then wgb=$wgn; fi
  if [ "$kev" -gt 0 ]; then
    { wgp=$({ [ -z "$wgb" ] || printf '%s\n' "$wgp"; echo @@; $WG show all dump 2>/dev/null </dev/null; printf '\n@rc %s\n' "$?"; } | awk -v base="$wgb" -v keep=1 "$wga" 3>&1 >&4); } 4>&1
  else
    { echo @@; $WG show all dump 2>/dev/null </dev/null; printf '\n@rc %s\n' "$?"; } | awk -v keep=0 "$wga"
  fi
  if [ $? -eq 0 ]; then
    wgn=$n
  else
    $WG show all dump 2>&1 >/dev/null </dev/null | awk 'NR<=20{print "! " substr($0,1,400)}'
    wgp=; wgn=
  fi
  awk 'BEGIN{print "@wgdeck netdev"; f="/proc/net/dev"; while ((getline l < f) > 0) print l; close(f); print "@wgdeck stat"; f="/proc/stat"; while ((getline l < f) > 0) if (l ~ /^cpu/) print l; close(f); print "@wgdeck meminfo"; f="/proc/meminfo"; while ((getline l < f) > 0) if (l ~ /^(MemTotal|MemAvailable):/) print l; close(f); print "@wgdeck loadavg"; f="/proc/loadavg"; while ((getline l < f) > 0) print l; close(f)}' </dev/null
  echo "@wgdeck df"
  df -P -k / 2>/dev/null | awk 'NR==2{print $2, $3}'
  echo "@wgdeck end $n"
  if [ "$max" -gt 0 ] && [ "$n" -ge "$max" ]; then exit 0; fi
  if [ "$iv" -gt 0 ]; then sleep "$iv"; fi
done
`;

/**
 * A section only this test declares: one declaration, and the script prints it, the decoder keeps it
 * and the frame carries its value. `uname -r` on this machine is what Node reports as os.release().
 */
const kernelSection = defineSection({
  name: 'kernel',
  remote: {
    prepare: sh`
      release=$(uname -r)`,
    args: '$n',
    body: sh`
      printf '%s\n' "$release"`,
  },
  parse: (section) => {
    const [line] = section.lines;
    if (section.args.length !== 1 || line === undefined) return unusable('kernel: no release');
    return parsed({ frame: Number(section.args[0]), release: line });
  },
  otherwise: 'drop-frame',
});

/** Runs a collector script with `sh` here, a stand-in `wg` first on PATH (see remote-script.test.ts). */
function collect(sections?: readonly AnySection[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-fake-wg-'));
  writeFileSync(join(dir, 'wg'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'wg'), 0o755);
  const run = spawnSync('sh', ['-c', collectorCommand(0, false, 1, sections)], {
    timeout: 20_000,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
  });
  expect(run.status).toBe(0);
  return run.stdout;
}

/** The one frame in `text`, through a decoder that keeps `names`. */
function frameOf(text: string, names?: readonly string[]): RawFrame {
  const drops: string[] = [];
  const decoder = new FrameDecoder({ onDrop: (reason) => drops.push(reason), sections: names });
  const frames = [...decoder.push(text), ...decoder.end()];
  expect(drops).toEqual([]);
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

describe('the section registry', () => {
  it('builds the reviewed script, byte for byte (the sections before ping checks)', () => {
    const handWritten = SECTIONS.filter((section) => section.name !== 'ping');
    expect(collectorScript(handWritten)).toBe(HAND_WRITTEN_SCRIPT);
    // And the command line the engine sends, quoted for `sh -c`; ping checks off unless asked for.
    const quoted = `'${HAND_WRITTEN_SCRIPT.replace(/'/g, `'\\''`)}'`;
    expect(collectorCommand(5, true, 0, handWritten)).toBe(`exec sh -c ${quoted} wgdeck 5 sudo 0 0 1 0`);
    expect(collectorCommand(5, true, 0, handWritten, { intervalSeconds: 60, parallel: 10 })).toBe(
      `exec sh -c ${quoted} wgdeck 5 sudo 0 60 10 0`,
    );
  });

  it('adds a section by declaring it once: the script prints it and the frame carries its value', () => {
    const sections = [...SECTIONS, kernelSection] as const;
    const stdout = collect(sections);
    expect(stdout).toMatch(/\n@wgdeck kernel 1\n[^\n]+\n@wgdeck end 1\n$/);
    const result = readSections(
      frameOf(
        stdout,
        sections.map((section) => section.name),
      ),
      sections,
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.warnings).toEqual([]);
    // Typed from the declaration: a wrong field here fails to compile.
    const kernel: { frame: number; release: string } = result.values.kernel;
    expect(kernel).toEqual({ frame: 1, release: release() });
    expect(result.values.wg.wgError).toBeNull();
  });

  it("reads a newer collector's frame as before: the section it does not know is skipped", () => {
    const newer = parseFrame(frameOf(collect([...SECTIONS, kernelSection])));
    const current = parseFrame(frameOf(collect()));
    if (!newer.ok || !current.ok) throw new Error('a frame was dropped');
    expect(newer.warnings).toEqual([]);
    expect(Object.keys(newer.snapshot).sort()).toEqual(Object.keys(current.snapshot).sort());
    expect(newer.snapshot.netdev['lo']).toBeDefined();
    expect(Object.keys(newer.snapshot.system).sort()).toEqual(Object.keys(current.snapshot.system).sort());
  });

  it('fills every snapshot field from exactly one section', () => {
    const result = readSections(
      frameOf(makeFrameText({ dump: { interfaces: 1, peersPerInterface: 1, seed: 4 } })),
      SECTIONS,
    );
    if (!result.ok) throw new Error(result.error);
    const fields = Object.values(result.values).flatMap((value) => Object.keys(value));
    expect(fields.length).toBe(new Set(fields).size);
    const parsedFrame = parseFrame(frameOf(makeFrameText({})));
    if (!parsedFrame.ok) throw new Error(parsedFrame.error);
    expect(fields.length).toBe(
      Object.keys(parsedFrame.snapshot).length - 2 + Object.keys(parsedFrame.snapshot.system).length,
    );
    expect(SECTION_NAMES).toEqual(['time', 'wg', 'netdev', 'stat', 'meminfo', 'loadavg', 'df', 'ping']);
  });

  it('keeps the others when a best-effort section is unusable, and drops the frame for a required one', () => {
    const flaky = defineSection({
      name: 'flaky',
      remote: { body: 'echo broken' },
      parse: () => unusable('flaky: broken'),
      otherwise: { value: { reading: null as number | null } },
    });
    const strict = defineSection({ ...flaky, name: 'strict', otherwise: 'drop-frame' as const });
    const text = makeFrameText({}).replace('@wgdeck end 1', '@wgdeck flaky\nbroken\n@wgdeck end 1');
    const frame = frameOf(text, [...SECTION_NAMES, 'flaky']);

    const kept = readSections(frame, [...SECTIONS, flaky]);
    if (!kept.ok) throw new Error(kept.error);
    expect(kept.warnings).toEqual(['flaky: broken']);
    expect(kept.values.flaky).toEqual({ reading: null });
    expect(kept.values.time.serverTime).toBe(1_750_000_000);

    expect(readSections(frame, [flaky, ...SECTIONS, strict])).toEqual({
      ok: false,
      error: 'strict: section missing',
    });
    const strictFrame = frameOf(text.replace('@wgdeck flaky', '@wgdeck strict'), [
      ...SECTION_NAMES,
      'strict',
    ]);
    expect(readSections(strictFrame, [...SECTIONS, strict])).toEqual({ ok: false, error: 'flaky: broken' });
  });

  it('reads side-by-side file sections with one awk; a file that cannot be opened is an empty section', () => {
    const fileSection = (name: string, path: string, lines?: string) =>
      defineSection({
        name,
        remote: { file: { path, ...(lines === undefined ? {} : { lines }) } },
        parse: (section) => parsed({ lines: section.lines }),
        otherwise: 'drop-frame' as const,
      });
    const sections = [
      SECTIONS[0],
      fileSection('up', '/proc/uptime'),
      fileSection('gone', '/nonexistent/wgdeck'),
      fileSection('cpu', '/proc/stat', '^cpu[0-9]'),
    ] as const;
    const script = collectorScript(sections);
    expect(script.match(/awk 'BEGIN/g)).toHaveLength(1);
    const stdout = collect(sections);
    expect(stdout).toMatch(/\n@wgdeck up\n[0-9.]+ [0-9.]+\n@wgdeck gone\n@wgdeck cpu\ncpu0 /);
    const result = readSections(frameOf(stdout, ['time', 'up', 'gone', 'cpu']), sections);
    if (!result.ok) throw new Error(result.error);
    expect(result.values.gone!.lines).toEqual([]);
    expect(result.values.cpu!.lines.every((line) => /^cpu[0-9]+ /.test(line))).toBe(true);
    // Paths and patterns become awk literals: nothing there may end one.
    for (const [path, lines] of [
      ['/proc/x"y', undefined],
      ['/proc/x', '^a/b'],
      ["/proc/x'", undefined],
    ])
      expect(() => collectorScript([fileSection('bad', path!, lines)])).toThrow(/characters awk would read/);
  });

  it('refuses a name the decoder could not tell from a corrupt marker, and a name twice', () => {
    const body = { remote: {}, parse: () => parsed(null), otherwise: 'drop-frame' as const };
    for (const name of ['', 'Wg', 'two words', 'frame', 'end', 'fatal', 'x'.repeat(33), '-x']) {
      expect(() => defineSection({ ...body, name }), name).toThrow(/not a section name/);
    }
    expect(() => checkSections([...SECTIONS, SECTIONS[2]])).toThrow('section netdev is declared twice');
    expect(() => collectorScript([SECTIONS[0], SECTIONS[0]])).toThrow('section time is declared twice');
  });
});
