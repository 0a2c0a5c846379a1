import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FAMILIES, METRIC_NAME_PROFILES_USED, labelsIn, nameIn } from './metric-families.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
// Table cells as prettier pads them, compared with single spaces.
const doc = readFileSync(join(ROOT, 'docs', 'metrics.md'), 'utf8').replace(/ {2,}/g, ' ');

describe('docs/metrics.md', () => {
  it('lists every metric with its type and labels, as the code declares them', () => {
    for (const family of ALL_FAMILIES) {
      const labels = labelsIn(family, 'mdlayher')
        .map((l) => `\`${l}\``)
        .join(', ');
      expect(doc, family.name).toContain(`| \`${family.name}\` | ${family.type} | ${labels} |`);
    }
  });

  it('names every other profile spelling in its profile table', () => {
    for (const family of ALL_FAMILIES) {
      for (const profile of METRIC_NAME_PROFILES_USED) {
        const name = nameIn(family, profile);
        if (name !== family.name) expect(doc).toContain(`| \`${family.name}\` | \`${name}\` |`);
      }
    }
  });
});

describe('docs/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs', 'grafana-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };

  it('queries only metrics WG Deck exports', () => {
    const ours = new Set(ALL_FAMILIES.map((f) => f.name));
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const match of target.expr.matchAll(/\b(wireguard_[a-z_]+|wgdeck_[a-z_]+)\b/g))
          used.add(match[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(ours.has(name), name).toBe(true);
  });

  it('every query parses as PromQL (promtool check rules, the variables as .*)', () => {
    const rules = dashboard.panels.flatMap((panel) =>
      panel.targets.map((target, i) => ({
        record: `dashboard:${panel.title.toLowerCase().replace(/[^a-z0-9]+/g, '_')}:${i}`,
        expr: target.expr.replaceAll('$server', '.*').replaceAll('$interface', '.*'),
      })),
    );
    const dir = mkdtempSync(join(tmpdir(), 'wgdeck-dashboard-'));
    try {
      const file = join(dir, 'rules.yml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      if (check.error)
        throw new Error(`promtool could not run (${check.error.message}): apt-get install prometheus`);
      expect(`${check.stdout}${check.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
