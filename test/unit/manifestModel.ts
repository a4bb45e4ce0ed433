// Test helpers for the manifest: arbitraries of accounts and manifests that share names (so plans
// create, update, move and delete), hostile names such as "__proto__", and a ManifestWriter and
// AccountReader backed by the pure account model (the unit-level stand-in for AWS; the integration
// tests run the same code against moto).
//
// The model keeps AWS's rules where moto does not: groups carry AWS-managed aws: tags (CloudFormation's)
// that no call may set or remove; up to 50 user tags, with TagResource refused beyond 50 (so a
// tag-before-untag order fails it); AddThingToBillingGroup moves the thing (no remove needed; moto
// would keep it in both groups); membership reads may lag one step behind the writes (MembershipLag;
// moto shows every change at once); and any write call can be throttled, fail, or be carried out with
// its answer lost (WriterOptions.fault), so a step can fail halfway.
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

/** 60 more keys, so that tags can reach 50 and a manifest can replace some of them. */
const MANY_KEYS = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(2, '0')}`);

/** 50 tags: a window of 50 consecutive keys (so two such lists share most keys and differ in some). */
const fiftyTagsArb: fc.Arbitrary<Tag[]> = fc
  .tuple(fc.integer({ min: 0, max: MANY_KEYS.length - 50 }), fc.constantFrom('v', 'w'))
  .map(([from, value]) => MANY_KEYS.slice(from, from + 50).map((key) => ({ key, value })));

/** A few tags (hostile keys and values) or 50 of them, at the API's limit. */
const someTagsArb: fc.Arbitrary<Tag[]> = fc.oneof({ arbitrary: tagsArb, weight: 3 }, { arbitrary: fiftyTagsArb, weight: 1 });

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
  .tuple(someTagsArb, fc.subarray([...AWS_TAGS]), fc.nat())
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
          tags: fc.option(someTagsArb, { nil: undefined }),
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

/**
 * Membership as AWS shows it: a change takes seconds to show (RemoveThingFromBillingGroup's and
 * AddThingToBillingGroup's API reference: "It might take several seconds for the detachment to
 * propagate"), while moto shows it at once. Modelled as "a read may return the state before the last
 * membership write" until time passes (`sleep`, which the Apply runner calls before it reads a
 * mismatch again). Which reads lag is given (fast-check chooses it); none lag by default.
 */
export class MembershipLag {
  /** Each thing's group before the last membership write, while that write has not settled. */
  private before: Map<string, string | undefined> | undefined;
  private next = 0;
  /** How many reads answered from the state before the last write. */
  staleReads = 0;

  constructor(private readonly lags: readonly boolean[] = [true]) {}

  /** Call before a membership write is applied to the model. */
  writing(m: AccountModel): void {
    this.before = new Map([...m.things].map((t) => [t, modelThingGroup(m, t)]));
  }

  /** Time passes: every write shows. */
  settle(): void {
    this.before = undefined;
  }

  readonly sleep = async (): Promise<void> => this.settle();

  private lagging(): boolean {
    if (!this.before || this.lags.length === 0) return false;
    const lag = this.lags[this.next++ % this.lags.length];
    if (lag) this.staleReads++;
    return lag;
  }

  groupOf(m: AccountModel, thing: string): string | undefined {
    return this.lagging() ? this.before!.get(thing) : modelThingGroup(m, thing);
  }

  thingsOf(m: AccountModel, group: string): string[] {
    if (!this.lagging()) return [...(m.groups.get(group)?.things ?? [])];
    return [...this.before!].filter(([, g]) => g === group).map(([t]) => t);
  }
}

/** Reads a model the way the AWS reader reads AWS; counts calls. */
export function modelReader(m: AccountModel, calls: string[] = [], lag?: MembershipLag): AccountReader {
  return {
    region: REGION,
    listGroups: async () => {
      calls.push('ListBillingGroups');
      return [...m.groups.keys()].map((name) => ({ name, arn: arnOf(name) }));
    },
    describe: async (name) => {
      calls.push('DescribeBillingGroup');
      const g = m.groups.get(name);
      return g && { arn: arnOf(name), version: g.version, description: g.description };
    },
    listTags: async (arn) => {
      calls.push('ListTagsForResource');
      return m.groups.get(nameOfArn(arn))?.tags.map((t) => ({ ...t }));
    },
    countThings: async (name) => {
      calls.push('ListThingsInBillingGroup (one page, to count)');
      const g = m.groups.get(name);
      if (!g) return undefined;
      const things = lag ? lag.thingsOf(m, name) : [...g.things];
      return { count: Math.min(things.length, 250), more: things.length > 250 };
    },
    listThings: async (name) => {
      calls.push('ListThingsInBillingGroup');
      const g = m.groups.get(name);
      if (!g) return undefined;
      return lag ? lag.thingsOf(m, name) : [...g.things];
    },
    thingGroup: async (thing) => {
      calls.push('DescribeThing');
      if (!m.things.has(thing)) return 'missing';
      return lag ? lag.groupOf(m, thing) : modelThingGroup(m, thing);
    },
    account: async () => ACCOUNT,
  };
}

/** What AWS answers when it throttles: not carried out, so the bulk runner may try it again. */
export class Throttled extends Error {
  readonly code = 'Throttled';
  constructor() {
    super('AWS IoT is throttling requests.');
    this.name = 'Throttled';
  }
}

/** TagResource beyond 50 user tags (AWS-managed ones do not count): 410 LimitExceededException. */
export class TagLimitExceeded extends Error {
  constructor(count: number) {
    super(`An AWS IoT limit was reached: the resource would have ${count} tags; the limit is 50.`);
    this.name = 'LimitExceededException';
  }
}

/**
 * A fault of one write call: 'throttle' (not carried out; the runner tries again), 'fail' (not
 * carried out; the step fails) or 'lost' (carried out, but the answer never came: the step fails).
 */
export type Fault = 'throttle' | 'fail' | 'lost';

export interface WriterOptions {
  /** The fault of the n-th write call (0-based, over every call of this writer), if any. */
  fault?: (n: number, call: string) => Fault | undefined;
  /** Membership reads may lag behind the writes (see MembershipLag). */
  lag?: MembershipLag;
  /** Called after every write the model carried out (to check invariants between calls). */
  afterWrite?: (call: string) => void;
}

export const isThrottled = (e: unknown) => (e as { code?: unknown })?.code === 'Throttled';

/**
 * Writes to a model the way AWS would, one method per API call; records every call sent. AWS's
 * rules: TagResource and UntagResource refuse aws: keys, TagResource refuses more than 50 user tags,
 * AddThingToBillingGroup moves the thing (it leaves its previous group), removing a thing that is
 * not in the group changes nothing.
 */
export function modelWriter(m: AccountModel, writes: string[] = [], options: WriterOptions = {}): ManifestWriter {
  const group = (name: string): ModelGroup => {
    const g = m.groups.get(name);
    if (!g) throw new Error(`Billing group ${name} does not exist.`);
    return g;
  };
  let n = 0;
  /** Sends one call: records it, applies the fault chosen for it, carries it out. */
  const call = async <T>(what: string, carryOut: () => T): Promise<T> => {
    writes.push(what);
    const fault = options.fault?.(n++, what);
    if (fault === 'throttle') throw new Throttled();
    if (fault === 'fail') throw new Error(`AWS IoT had an internal error (${what}).`);
    const out = carryOut();
    options.afterWrite?.(what);
    if (fault === 'lost') throw new Error(`Cannot reach AWS IoT (ECONNRESET) after 3 attempts (${what}).`);
    return out;
  };
  return {
    create: (name, description, tags) =>
      call(`create ${name}`, () => {
        const have = m.groups.get(name);
        if (have) {
          if (have.description === description && JSON.stringify(have.tags) === JSON.stringify(tags)) return { outcome: 'unchanged' as const, arn: arnOf(name) };
          throw new ChangedSincePlan('it exists with another configuration');
        }
        m.groups.set(name, { description, tags: tags.map((t) => ({ ...t })), things: new Set(), version: 1 });
        return { outcome: 'created' as const, arn: arnOf(name) };
      }),
    updateDescription: (name, description, expectedVersion) =>
      call(`update ${name}`, () => {
        const g = group(name);
        if (expectedVersion !== undefined && expectedVersion !== g.version) throw new ChangedSincePlan('its version differs');
        g.description = description;
        g.version++;
      }),
    async readTags(arn) {
      return group(nameOfArn(arn)).tags.map((t) => ({ ...t }));
    },
    untag: (arn, keys) =>
      call(`untag ${nameOfArn(arn)}`, () => {
        for (const k of keys) if (isAwsKey(k)) throw new ReservedTagKey(k);
        const g = group(nameOfArn(arn));
        g.tags = g.tags.filter((t) => !keys.includes(t.key));
      }),
    tag: (arn, tags) =>
      call(`tag ${nameOfArn(arn)}`, () => {
        for (const t of tags) if (isAwsKey(t.key)) throw new ReservedTagKey(t.key);
        const g = group(nameOfArn(arn));
        const map = new Map(g.tags.map((t) => [t.key, t.value]));
        for (const t of tags) map.set(t.key, t.value);
        const user = [...map.keys()].filter((k) => !isAwsKey(k)).length;
        if (user > 50) throw new TagLimitExceeded(user);
        g.tags = [...map].map(([key, value]) => ({ key, value }));
      }),
    async thingGroup(thing) {
      return options.lag ? options.lag.groupOf(m, thing) : modelThingGroup(m, thing);
    },
    addThing: (name, thing) =>
      call(`add ${thing} to ${name}`, () => {
        const target = group(name);
        options.lag?.writing(m);
        for (const g of m.groups.values()) g.things.delete(thing); // AWS moves on add
        target.things.add(thing);
      }),
    removeThing: (name, thing) =>
      call(`remove ${thing} from ${name}`, () => {
        const g = group(name);
        options.lag?.writing(m);
        g.things.delete(thing);
      }),
    delete: (name, expectedVersion) =>
      call(`delete ${name}`, () => {
        const g = m.groups.get(name);
        if (g && expectedVersion !== undefined && expectedVersion !== g.version) throw new ChangedSincePlan('its version differs');
        m.groups.delete(name);
      }),
  };
}

/** A pace that does not wait (the bulk runner's pacing has its own tests); throttled calls are tried again. */
export const NO_WAIT = {
  concurrency: 3,
  perSecond: 1_000_000,
  sleep: async () => undefined,
  retry: { isRetryable: isThrottled, times: 3, backoffMs: 1 },
};
