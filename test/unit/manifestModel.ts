// Test helpers for the manifest: arbitraries of accounts and manifests that share names (so plans
// create, update, move and delete), hostile names such as "__proto__", and a ManifestWriter and
// AccountReader backed by the pure account model (the unit-level stand-in for AWS; the integration
// tests run the same code against moto).
import * as fc from 'fast-check';
import type { Manifest, ManifestGroup } from '../../src/core/manifest';
import type { ManifestWriter } from '../../src/core/manifestApply';
import { ChangedSincePlan } from '../../src/core/manifestApply';
import { modelThingGroup, type AccountModel, type ModelGroup } from '../../src/core/manifestPlan';
import type { AccountReader } from '../../src/core/manifestRead';
import type { Tag } from '../../src/core/types';

export const GROUP_NAMES = ['alpha', 'beta', 'gamma', 'delta', '__proto__', 'constructor', 'fleet:eu', 'g-1'] as const;
export const THING_NAMES = ['t1', 't2', 't3', 't4', 't5', 'hasOwnProperty', 'toString'] as const;
const TAG_KEYS = ['team', 'cost-center', '__proto__', 'Team', 'a b', 'ключ'] as const;
const TEXT = ['', 'plain', 'with "quotes" and \\ backslash', '${var.x} %{if} $${', 'ünïcödé 𝐀 🙂', '<b>html</b>', 'trailing space '] as const;

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

const tagsArb: fc.Arbitrary<Tag[]> = fc
  .uniqueArray(fc.tuple(fc.constantFrom(...TAG_KEYS), fc.constantFrom(...TEXT)), { selector: ([k]) => k, maxLength: 4 })
  .map((pairs) => pairs.map(([key, value]) => ({ key, value })));

/**
 * Tags AWS itself puts on a resource (CloudFormation's stack tags): AWS-managed, so no caller may
 * set, change or remove them, and a manifest cannot name them.
 */
export const AWS_TAGS: readonly Tag[] = [
  { key: 'aws:cloudformation:stack-name', value: 'fleet' },
  { key: 'aws:cloudformation:logical-id', value: 'BillingGroupFleet' },
  { key: 'AWS:Weird-Case', value: 'reserved in any case' },
];

/** An account group's tags: the user's, and sometimes AWS-managed ones among them. */
const accountTagsArb: fc.Arbitrary<Tag[]> = fc
  .tuple(tagsArb, fc.subarray([...AWS_TAGS]), fc.nat())
  .map(([user, aws, at]) => {
    const out = [...user];
    out.splice(at % (out.length + 1), 0, ...aws.map((t) => ({ ...t })));
    return out;
  });

/** AWS refuses a tag call that names an AWS-managed key (the aws: prefix is reserved in any letter case). */
export class ReservedTagKey extends Error {
  constructor(key: string) {
    super(`Tag key ${key} uses the reserved prefix aws:.`);
    this.name = 'InvalidRequestException';
  }
}
const isAwsKey = (key: string) => key.toLowerCase().startsWith('aws:');

/** An account: some groups, each thing (of those that exist) in at most one of them. */
export const accountArb: fc.Arbitrary<AccountModel> = fc
  .record({
    groups: fc.uniqueArray(fc.constantFrom(...GROUP_NAMES), { maxLength: GROUP_NAMES.length }),
    descriptions: fc.array(fc.constantFrom(...TEXT), { minLength: GROUP_NAMES.length, maxLength: GROUP_NAMES.length }),
    tags: fc.array(accountTagsArb, { minLength: GROUP_NAMES.length, maxLength: GROUP_NAMES.length }),
    versions: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: GROUP_NAMES.length, maxLength: GROUP_NAMES.length }),
    things: fc.array(fc.option(fc.nat({ max: 8 }), { nil: undefined }), { minLength: THING_NAMES.length, maxLength: THING_NAMES.length }),
    exists: fc.array(fc.boolean(), { minLength: THING_NAMES.length, maxLength: THING_NAMES.length }),
  })
  .map(({ groups, descriptions, tags, versions, things, exists }) => {
    const m: AccountModel = { groups: new Map(), things: new Set() };
    groups.forEach((name, i) => m.groups.set(name, { description: descriptions[i], tags: tags[i], things: new Set(), version: versions[i] }));
    THING_NAMES.forEach((t, i) => {
      if (!exists[i]) return;
      m.things.add(t);
      const slot = things[i];
      if (slot !== undefined && slot < groups.length) m.groups.get(groups[slot])!.things.add(t);
    });
    return m;
  });

/** A valid manifest over the same names; `things` only lists things of `universe`, each in one group. */
export function manifestArb(universe: readonly string[] = THING_NAMES): fc.Arbitrary<Manifest> {
  return fc
    .record({
      groups: fc.uniqueArray(fc.constantFrom(...GROUP_NAMES), { maxLength: GROUP_NAMES.length }),
      fields: fc.array(
        fc.record({
          description: fc.option(fc.constantFrom(...TEXT), { nil: undefined }),
          tags: fc.option(tagsArb, { nil: undefined }),
          manageThings: fc.boolean(),
        }),
        { minLength: GROUP_NAMES.length, maxLength: GROUP_NAMES.length },
      ),
      placement: fc.array(fc.nat({ max: 10 }), { minLength: universe.length, maxLength: universe.length }),
      prune: fc.boolean(),
      named: fc.boolean(),
    })
    .map(({ groups, fields, placement, prune, named }) => {
      const out: ManifestGroup[] = groups.map((name, i) => {
        const g: ManifestGroup = { name };
        if (fields[i].description !== undefined) g.description = fields[i].description;
        if (fields[i].tags !== undefined) g.tags = fields[i].tags;
        if (fields[i].manageThings) g.things = [];
        return g;
      });
      const managing = out.filter((g) => g.things);
      universe.forEach((t, i) => {
        if (managing.length > 0 && placement[i] < managing.length) managing[placement[i]].things!.push(t);
      });
      const m: Manifest = { prune: prune && named, groups: out };
      if (named) {
        m.account = ACCOUNT;
        m.region = REGION;
      }
      return m;
    });
}

/** Does the account now say what the manifest says? */
export function satisfies(m: AccountModel, manifest: Manifest): string | undefined {
  for (const g of manifest.groups) {
    const have = m.groups.get(g.name);
    if (!have) return `group ${g.name} missing`;
    if (g.description !== undefined && have.description !== g.description) return `${g.name}: description ${have.description} ≠ ${g.description}`;
    if (g.tags) {
      // AWS-managed tags are not the manifest's: they stay whatever it says.
      const a = JSON.stringify(have.tags.filter((t) => !isAwsKey(t.key)).sort((x, y) => (x.key < y.key ? -1 : 1)));
      const b = JSON.stringify([...g.tags].sort((x, y) => (x.key < y.key ? -1 : 1)));
      if (a !== b) return `${g.name}: tags ${a} ≠ ${b}`;
    }
    if (g.things) {
      const a = JSON.stringify([...have.things].sort());
      const b = JSON.stringify([...g.things].sort());
      if (a !== b) return `${g.name}: things ${a} ≠ ${b}`;
      for (const t of g.things)
        for (const [other, og] of m.groups) if (other !== g.name && og.things.has(t)) return `${t} is also in ${other}`;
    }
  }
  if (manifest.prune) {
    const named = new Set(manifest.groups.map((g) => g.name));
    for (const name of m.groups.keys()) if (!named.has(name)) return `group ${name} should have been pruned`;
  }
  return undefined;
}

export const arnOf = (name: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:billinggroup/${name}`;
const nameOfArn = (arn: string) => arn.slice(arn.indexOf('/') + 1);

/** Reads a model the way the AWS reader reads AWS; counts calls. */
export function modelReader(m: AccountModel, calls: string[] = []): AccountReader {
  const group = (name: string): ModelGroup => {
    const g = m.groups.get(name);
    if (!g) throw new Error(`no group ${name}`);
    return g;
  };
  return {
    region: REGION,
    listGroups: async () => {
      calls.push('ListBillingGroups');
      return [...m.groups.keys()].map((name) => ({ name, arn: arnOf(name) }));
    },
    describe: async (name) => {
      calls.push('DescribeBillingGroup');
      const g = group(name);
      return { arn: arnOf(name), version: g.version, description: g.description };
    },
    listTags: async (arn) => {
      calls.push('ListTagsForResource');
      return group(nameOfArn(arn)).tags.map((t) => ({ ...t }));
    },
    listThings: async (name) => {
      calls.push('ListThingsInBillingGroup');
      return [...group(name).things];
    },
    thingGroup: async (thing) => {
      calls.push('DescribeThing');
      return m.things.has(thing) ? modelThingGroup(m, thing) : 'missing';
    },
    account: async () => ACCOUNT,
  };
}

/** Writes to a model the way AWS would; records every write. */
export function modelWriter(m: AccountModel, writes: string[] = []): ManifestWriter {
  const group = (name: string): ModelGroup => {
    const g = m.groups.get(name);
    if (!g) throw new Error(`Billing group ${name} does not exist.`);
    return g;
  };
  return {
    async create(name, description, tags) {
      writes.push(`create ${name}`);
      const have = m.groups.get(name);
      if (have) {
        if (have.description === description && JSON.stringify(have.tags) === JSON.stringify(tags)) return { outcome: 'unchanged', arn: arnOf(name) };
        throw new ChangedSincePlan('it exists with another configuration');
      }
      m.groups.set(name, { description, tags: tags.map((t) => ({ ...t })), things: new Set(), version: 1 });
      return { outcome: 'created', arn: arnOf(name) };
    },
    async updateDescription(name, description, expectedVersion) {
      writes.push(`update ${name}`);
      const g = group(name);
      if (expectedVersion !== undefined && expectedVersion !== g.version) throw new ChangedSincePlan('its version differs');
      g.description = description;
      g.version++;
    },
    async readTags(arn) {
      return group(nameOfArn(arn)).tags.map((t) => ({ ...t }));
    },
    async writeTags(arn, set, remove) {
      writes.push(`tags ${nameOfArn(arn)}`);
      for (const k of [...set.map((t) => t.key), ...remove]) if (isAwsKey(k)) throw new ReservedTagKey(k);
      const g = group(nameOfArn(arn));
      const map = new Map(g.tags.map((t) => [t.key, t.value]));
      for (const t of set) map.set(t.key, t.value);
      for (const k of remove) map.delete(k);
      g.tags = [...map].map(([key, value]) => ({ key, value }));
    },
    async readThings(name) {
      return [...group(name).things];
    },
    async thingGroup(thing) {
      return modelThingGroup(m, thing);
    },
    async addThing(name, thing) {
      writes.push(`add ${thing} to ${name}`);
      for (const g of m.groups.values()) g.things.delete(thing); // AWS moves on add
      group(name).things.add(thing);
    },
    async removeThing(name, thing) {
      writes.push(`remove ${thing} from ${name}`);
      group(name).things.delete(thing);
    },
    async delete(name, expectedVersion) {
      writes.push(`delete ${name}`);
      const g = m.groups.get(name);
      if (g && expectedVersion !== undefined && expectedVersion !== g.version) throw new ChangedSincePlan('its version differs');
      m.groups.delete(name);
    },
  };
}

/** A pace that does not wait (the bulk runner's pacing has its own tests). */
export const NO_WAIT = { concurrency: 3, perSecond: 1_000_000, sleep: async () => undefined };
