// The charges AWS never attributes through billing groups (AWS IoT developer guide, "Billing
// groups"): a readonly list the attribution report and the costs feature show as causes of
// "Unallocated".
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNATTRIBUTED_CHARGES, UNATTRIBUTED_CHARGES_SOURCE } from '../../src/core/unattributedCharges';

describe('unattributed charges', () => {
  it('names every activity the guide says billing-group tags never reflect, each with why', () => {
    const charges = UNATTRIBUTED_CHARGES.map((c) => c.charge.toLowerCase()).join('\n');
    for (const expected of [/registry operations/, /thing group index updates/, /index search queries/, /provisioning/, /device defender audit/, /not over mqtt|other than mqtt|non-mqtt/, /lifecycle events/])
      assert.match(charges, expected);
    for (const c of UNATTRIBUTED_CHARGES) {
      assert.ok(c.charge.trim().length > 0 && c.why.trim().length > 0, JSON.stringify(c));
      assert.ok(!/\n/.test(c.charge + c.why), 'one line each');
    }
    assert.equal(new Set(UNATTRIBUTED_CHARGES.map((c) => c.charge)).size, UNATTRIBUTED_CHARGES.length, 'no duplicates');
  });

  it('is read-only and says where it comes from', () => {
    assert.ok(Object.isFrozen(UNATTRIBUTED_CHARGES));
    assert.ok(UNATTRIBUTED_CHARGES.every((c) => Object.isFrozen(c)));
    assert.throws(() => (UNATTRIBUTED_CHARGES as unknown as unknown[]).push({ charge: 'x', why: 'y' }));
    assert.match(UNATTRIBUTED_CHARGES_SOURCE, /^https:\/\/docs\.aws\.amazon\.com\/iot\/latest\/developerguide\/tagging-iot-billing-groups\.html$/);
  });
});
