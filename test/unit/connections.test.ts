// The connection list (issue 17): the profile/region settings stay the first connection, the
// `iotBillingGroups.connections` entries follow, checked and de-duplicated; adding and removing
// connections, and what removing the first one does to the settings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  addConnections,
  connectionKey,
  connectionLabel,
  connectionList,
  organizationRoleArn,
  parseConnectionsSetting,
  partitionOf,
  PRIMARY_CONNECTION_ID,
  removeConnection,
  roleAccount,
  settingEntry,
  type ConnectionSpec,
} from '../../src/core/connections';
import { NUM_RUNS } from './arbitraries';

const spec = (profile: string, region: string, endpoint = '', roleArn?: string): ConnectionSpec => ({ profile, region, endpoint, ...(roleArn ? { roleArn } : {}) });
const ROLE = 'arn:aws:iam::210987654321:role/OrganizationAccountAccessRole';

describe('migration: the existing settings are the first connection', () => {
  it('with no connections setting, the list is exactly today\'s one connection, even with empty settings', () => {
    const list = connectionList(spec('', ''), []);
    assert.equal(list.length, 1);
    assert.equal(list[0].id, PRIMARY_CONNECTION_ID);
    assert.equal(list[0].primary, true);
    assert.deepEqual({ profile: list[0].profile, region: list[0].region, endpoint: list[0].endpoint }, { profile: '', region: '', endpoint: '' });
  });

  it('keeps the settings\' profile, region and endpoint as the first connection, then the entries in order', () => {
    const list = connectionList(spec('dev', 'eu-west-1', 'http://127.0.0.1:5000/'), [spec('prod', 'us-east-1'), spec('prod', 'eu-west-1')]);
    assert.deepEqual(
      list.map((c) => [c.profile, c.region, c.endpoint, c.primary]),
      [
        ['dev', 'eu-west-1', 'http://127.0.0.1:5000', true],
        ['prod', 'us-east-1', '', false],
        ['prod', 'eu-west-1', '', false],
      ],
    );
  });

  it('leaves out an entry equal to the first connection, and an entry given twice', () => {
    const list = connectionList(spec('dev', 'eu-west-1'), [spec(' dev ', 'eu-west-1'), spec('prod', 'us-east-1'), spec('prod', 'us-east-1', '')]);
    assert.deepEqual(list.map((c) => connectionLabel(c)), ['dev @ eu-west-1', 'prod @ us-east-1']);
  });

  it('tells a role in another account apart from the profile itself', () => {
    const list = connectionList(spec('mgmt', 'eu-west-1'), [spec('mgmt', 'eu-west-1', '', ROLE)]);
    assert.equal(list.length, 2);
    assert.equal(connectionLabel(list[1]), 'mgmt → 210987654321 @ eu-west-1');
  });

  it('gives every entry an id that stays the same while the entry is in the list, and never the first one\'s', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ profile: fc.constantFrom('a', 'b', ' a'), region: fc.constantFrom('eu-west-1', 'us-east-1'), endpoint: fc.constantFrom('', 'http://x:1', 'http://x:1/') }), { maxLength: 8 }), (extra) => {
        const list = connectionList(spec('a', 'eu-west-1'), extra);
        const ids = list.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length, 'ids are unique');
        assert.equal(new Set(list.map(connectionKey)).size, list.length, 'no connection twice');
        assert.equal(ids.filter((id) => id === PRIMARY_CONNECTION_ID).length, 1);
        assert.equal(list[0].id, PRIMARY_CONNECTION_ID);
        // Removing one entry leaves the others' ids as they were.
        if (list.length > 2) {
          const without = connectionList(spec('a', 'eu-west-1'), extra.filter((e) => connectionKey(e) !== connectionKey(list[1])));
          assert.deepEqual(without.map((c) => c.id), ids.filter((id) => id !== list[1].id));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parseConnectionsSetting', () => {
  it('takes well-formed entries', () => {
    const r = parseConnectionsSetting([{ profile: 'dev', region: 'eu-west-1' }, { profile: 'emu', region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' }, { profile: 'mgmt', region: 'us-gov-west-1', roleArn: 'arn:aws-us-gov:iam::111122223333:role/Ops' }]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.specs.length, 3);
    assert.equal(r.specs[2].roleArn, 'arn:aws-us-gov:iam::111122223333:role/Ops');
  });

  it('leaves out each bad entry with a sentence naming it, and keeps the good ones', () => {
    const r = parseConnectionsSetting([
      'dev',
      { region: 'eu-west-1' },
      { profile: 'dev', region: 'Ireland' },
      { profile: 'dev', region: 'eu-west-1', endpoint: 'ftp://x' },
      { profile: 'dev', region: 'eu-west-1', endpoint: 5000 },
      { profile: 'dev', region: 'eu-west-1', roleArn: 'OrganizationAccountAccessRole' },
      { profile: 'ok', region: 'ap-southeast-2' },
    ]);
    assert.deepEqual(r.specs.map((s) => s.profile), ['ok']);
    assert.equal(r.problems.length, 6);
    r.problems.forEach((p, i) => assert.match(p, new RegExp(`^iotBillingGroups\\.connections\\[${i}\\]`)));
    assert.match(r.problems[2], /valid "region"/);
    assert.match(r.problems[5], /roleArn/);
  });

  it('says so when the setting is not a list, and takes nothing', () => {
    assert.equal(parseConnectionsSetting({ profile: 'x' }).specs.length, 0);
    assert.match(parseConnectionsSetting({ profile: 'x' }).problems[0], /must be a list/);
    assert.deepEqual(parseConnectionsSetting(undefined), { specs: [], problems: [] });
  });

  it('never throws, whatever the setting holds', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void parseConnectionsSetting(v)), { numRuns: NUM_RUNS });
  });
});

describe('addConnections', () => {
  it('appends several regions of one profile at once, none twice and none equal to an existing connection', () => {
    const existing = [spec('dev', 'eu-west-1')];
    const r = addConnections([], existing, [spec('dev', 'eu-west-1'), spec('dev', 'us-east-1'), spec('dev', 'us-east-1'), spec('dev', 'ap-south-1')]);
    assert.deepEqual(r.added.map(connectionLabel), ['dev @ us-east-1', 'dev @ ap-south-1']);
    assert.deepEqual(r.value.map(settingEntry), [{ profile: 'dev', region: 'us-east-1' }, { profile: 'dev', region: 'ap-south-1' }]);
  });

  it('then removing what was added gives the setting back', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('eu-west-1', 'us-east-1', 'us-west-2', 'ap-south-1'), { maxLength: 4 }), (regions) => {
        const before = [spec('prod', 'eu-west-1')];
        let { value } = addConnections(before, [spec('dev', 'eu-west-1'), ...before], regions.map((r) => spec('dev', r)));
        for (const r of regions.filter((x) => x !== 'eu-west-1')) {
          const entry = connectionList(spec('dev', 'eu-west-1'), value).find((c) => c.profile === 'dev' && c.region === r && !c.primary)!;
          const removed = removeConnection(value, entry);
          assert.equal(removed.kind, 'setting');
          value = (removed as { value: ConnectionSpec[] }).value;
        }
        assert.deepEqual(value, before);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('removeConnection', () => {
  it('removes an entry of the setting', () => {
    const setting = [spec('prod', 'us-east-1'), spec('prod', 'eu-west-1')];
    const entry = connectionList(spec('dev', 'eu-west-1'), setting)[2];
    assert.deepEqual(removeConnection(setting, entry), { kind: 'setting', value: [spec('prod', 'us-east-1')] });
  });

  it('removing the first connection puts the first plain entry in its place (roles cannot go in the profile setting)', () => {
    const setting = [spec('mgmt', 'eu-west-1', '', ROLE), spec('prod', 'us-east-1')];
    const first = connectionList(spec('dev', 'eu-west-1'), setting)[0];
    assert.deepEqual(removeConnection(setting, first), { kind: 'promote', primary: spec('prod', 'us-east-1'), value: [spec('mgmt', 'eu-west-1', '', ROLE)] });
  });

  it('refuses to remove the only connection, or the first when every other assumes a role, saying what to do', () => {
    const only = connectionList(spec('dev', 'eu-west-1'), [])[0];
    const r1 = removeConnection([], only);
    assert.equal(r1.kind, 'refuse');
    assert.match((r1 as { reason: string }).reason, /only connection.*Select another AWS profile or region/);
    const r2 = removeConnection([spec('mgmt', 'eu-west-1', '', ROLE)], only);
    assert.equal(r2.kind, 'refuse');
    assert.match((r2 as { reason: string }).reason, /assumes a role/);
  });
});

describe('accounts and partitions', () => {
  it('builds the organisation role ARN in the region\'s partition and reads the account back', () => {
    assert.equal(organizationRoleArn('111122223333', 'OrganizationAccountAccessRole', 'eu-west-1'), 'arn:aws:iam::111122223333:role/OrganizationAccountAccessRole');
    assert.equal(organizationRoleArn('111122223333', 'Ops', 'us-gov-west-1'), 'arn:aws-us-gov:iam::111122223333:role/Ops');
    assert.equal(organizationRoleArn('111122223333', 'Ops', 'cn-north-1'), 'arn:aws-cn:iam::111122223333:role/Ops');
    assert.equal(roleAccount(organizationRoleArn('111122223333', 'Ops', 'cn-north-1')), '111122223333');
    assert.equal(partitionOf('us-gov-east-1'), 'aws-us-gov');
    assert.equal(partitionOf('eu-west-1'), 'aws');
  });
});
