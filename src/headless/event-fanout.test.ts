import { describe, expect, it } from 'vitest';
import { EventFanout, eventText, type OutboundSocket } from './event-fanout.ts';

class FakeSocket implements OutboundSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
}

const delta = (seq: number): string => eventText('fleet:delta', { name: 'a', seq });
const resync = eventText('fleet:resync', { reason: 'overflow' });

describe('EventFanout', () => {
  it('sends every event to every open socket', () => {
    const fanout = new EventFanout(100);
    const a = new FakeSocket();
    const b = new FakeSocket();
    const closing = Object.assign(new FakeSocket(), { readyState: 2 });
    fanout.add(a);
    fanout.add(b);
    fanout.add(closing);
    fanout.publish(delta(1));
    expect(a.sent).toEqual([delta(1)]);
    expect(b.sent).toEqual([delta(1)]);
    expect(closing.sent).toEqual([]);
    fanout.delete(b);
    fanout.publish(delta(2));
    expect(b.sent).toHaveLength(1);
    expect(fanout.size).toBe(2);
  });

  it('skips a congested socket (no unbounded buffering) and sends one resync once it drained', () => {
    const fanout = new EventFanout(100);
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    fanout.add(slow);
    fanout.add(fast);
    slow.bufferedAmount = 101;
    for (let seq = 1; seq <= 1000; seq++) fanout.publish(delta(seq));
    expect(slow.sent).toEqual([]);
    expect(fast.sent).toHaveLength(1000);
    slow.bufferedAmount = 0;
    fanout.publish(delta(1001));
    expect(slow.sent).toEqual([resync]); // the state it missed comes with fleet:sync
    fanout.publish(delta(1002));
    expect(slow.sent).toEqual([resync, delta(1002)]);
  });

  it('serialises an event message', () => {
    expect(JSON.parse(eventText('fleet:removed', { name: 'x' }))).toEqual({
      type: 'event',
      event: 'fleet:removed',
      payload: { name: 'x' },
    });
  });
});
