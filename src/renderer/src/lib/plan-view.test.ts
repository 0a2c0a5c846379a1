import { describe, expect, it } from 'vitest';
import {
  applyErrorKind,
  classifyDiff,
  diffStats,
  isFinalPhase,
  operationTitle,
  txKey,
  txMatches,
} from './plan-view.ts';

describe('classifyDiff', () => {
  it('tells headers, hunks, additions, removals and context apart', () => {
    const lines = classifyDiff(
      [
        '--- wg0.conf',
        '+++ wg0.conf (new)',
        '@@ -10,3 +10,7 @@',
        ' [Peer]',
        '-AllowedIPs = 198.18.8.2/32',
        '+AllowedIPs = 198.18.8.7/32',
        '+PresharedKey = (hidden)',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
    expect(lines.map((l) => l.kind)).toEqual([
      'meta',
      'meta',
      'hunk',
      'context',
      'del',
      'add',
      'add',
      'note',
    ]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it('has no lines for no diff', () => {
    expect(classifyDiff('')).toEqual([]);
  });
});

describe('operationTitle', () => {
  it('names what is planned', () => {
    expect(
      operationTitle(
        {
          kind: 'changes',
          changes: [
            {
              action: 'add',
              draft: { name: 'laptop', allowedIps: 'auto', persistentKeepalive: null, presharedKey: false },
            },
          ],
        },
        'wg0',
      ),
    ).toBe('Add peer “laptop” to wg0');
    expect(operationTitle({ kind: 'changes', changes: [{ action: 'remove', peer: 'bob' }] }, 'wg0')).toBe(
      'Remove a peer on wg0',
    );
    expect(operationTitle({ kind: 'restore', backup: 'wg0.conf.20261123T101502Z' }, 'wg0')).toBe(
      'Restore wg0.conf.20261123T101502Z',
    );
    expect(operationTitle({ kind: 'reconcile', direction: 'file-to-live' }, 'wg0')).toBe(
      'Make wg0 match its config file',
    );
    expect(operationTitle({ kind: 'save-config-off' }, 'wg0')).toBe('Set SaveConfig = false on wg0');
  });
});

describe('apply progress and errors', () => {
  const event = {
    txId: 't1',
    server: 'edge',
    iface: 'wg0',
    phase: 'armed' as const,
    rollbackAt: 1,
    message: '',
    planId: 'p1',
  };

  it('matches events to the interface and the transaction', () => {
    expect(txMatches(event, 'edge', 'wg0', null)).toBe(true);
    expect(txMatches(event, 'edge', 'wg0', 'p1')).toBe(true);
    expect(txMatches(event, 'edge', 'wg0', 'p2')).toBe(false);
    expect(txMatches(event, 'edge', 'wg1', null)).toBe(false);
    expect(txMatches(undefined, 'edge', 'wg0', null)).toBe(false);
    expect(txKey('edge', 'wg0')).toBe(txKey('edge', 'wg0'));
    expect(txKey('edge', 'wg0')).not.toBe(txKey('edge', 'wg1'));
  });

  it('knows the final phases', () => {
    expect(isFinalPhase('confirmed')).toBe(true);
    expect(isFinalPhase('rolled-back')).toBe(true);
    expect(isFinalPhase('rollback-failed')).toBe(true);
    expect(isFinalPhase('failed')).toBe(true);
    expect(isFinalPhase('verifying')).toBe(false);
  });

  it('sorts error codes into what the dialog offers', () => {
    expect(applyErrorKind('FILE_CHANGED')).toBe('file-changed');
    expect(applyErrorKind('ROLLED_BACK')).toBe('rolled-back');
    expect(applyErrorKind('ROLLBACK_FAILED')).toBe('rollback-failed');
    expect(applyErrorKind('LOCKED')).toBe('locked');
    expect(applyErrorKind('TIMEOUT')).toBe('no-answer');
    expect(applyErrorKind('LIVE_CHANGED')).toBe('live-changed');
    expect(applyErrorKind('VERIFY_FAILED')).toBe('unconfirmed');
    expect(applyErrorKind('UNCONFIRMED')).toBe('unconfirmed');
    expect(applyErrorKind('ROLLBACK_PENDING')).toBe('rollback-pending');
    expect(applyErrorKind('PLAN_EXPIRED')).toBe('expired');
    expect(applyErrorKind('UNREACHABLE')).toBe('other');
  });
});
