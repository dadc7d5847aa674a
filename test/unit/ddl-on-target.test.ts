import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Boundary } from '../../src/core/position.js';
import { DdlOnTarget, NOT_REACHED, type TargetDefinitions } from '../../src/source/ddl-on-target.js';

const at = (offset: number): Boundary => ({ file: 'binlog.000001', offset });
const definitions: TargetDefinitions = { before: new Map([['e', undefined]]), after: new Map([['e', undefined]]) };

describe('DDL handed from the applier to the stream', () => {
  it('a wait ends when the applier settles that DDL, not another', async () => {
    const hand = new DdlOnTarget();
    hand.expect(at(100));
    hand.expect(at(200));
    assert.equal(hand.expects(at(100)), true);
    assert.equal(hand.expects(at(150)), false);
    assert.equal(hand.expects(undefined), false);
    let second: unknown = 'pending';
    void hand.wait(at(200)).then((value) => (second = value));
    hand.settle(at(100), definitions);
    assert.equal(await hand.wait(at(100)), definitions);
    await Promise.resolve();
    assert.equal(second, 'pending', 'the DDL at 200 is not settled by the one at 100');
    hand.settle(at(200), undefined);
    assert.equal(await hand.wait(at(200)), undefined, 'skipped by the applier');
  });

  it('a DDL not expected, or forgotten, is neither waited for nor read around', async () => {
    const hand = new DdlOnTarget();
    assert.equal(await hand.wait(at(100)), undefined);
    hand.expect(at(100));
    hand.forget(at(100));
    assert.equal(hand.expects(at(100)), false);
    hand.settle(at(100), definitions);
    assert.equal(await hand.wait(at(100)), undefined);
  });

  it('close() ends every wait, and a later expectation at once, as not reached', async () => {
    const hand = new DdlOnTarget();
    hand.expect(at(100));
    const waiting = hand.wait(at(100));
    hand.close();
    assert.equal(await waiting, NOT_REACHED);
    hand.settle(at(100), definitions);
    assert.equal(await hand.wait(at(100)), NOT_REACHED, 'settled once');
    hand.expect(at(300));
    assert.equal(await hand.wait(at(300)), NOT_REACHED);
  });
});
