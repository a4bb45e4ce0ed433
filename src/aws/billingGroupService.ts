// One method per AWS IoT operation the extension uses, with input checked again before anything is
// sent, every call logged (operation, region, request id, duration, outcome) and errors mapped.
import {
  AddThingToBillingGroupCommand,
  CreateBillingGroupCommand,
  DeleteBillingGroupCommand,
  DescribeBillingGroupCommand,
  DescribeThingCommand,
  IoTClient,
  ListBillingGroupsCommand,
  ListTagsForResourceCommand,
  ListThingsCommand,
  ListThingsInBillingGroupCommand,
  RemoveThingFromBillingGroupCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateBillingGroupCommand,
} from '@aws-sdk/client-iot';
import { compareConfiguration, describeDifferences, planTagChanges, type Difference } from '../core/configuration';
import { isAwsManagedTagKey, PAGE_SIZE_MAX } from '../core/limits';
import { COUNT_PAGE_SIZE, countFromPage, type ThingCount } from '../core/thingCount';
import type { BillingGroupDetails, BillingGroupSummary, Page, Tag } from '../core/types';
import { hasProblems, validateDescription, validateInput, validateName, validateNamePrefix, validateTagKey, validateTags, type BillingGroupInput } from '../core/validation';
import type { Connection } from './connection';
import { AwsProblem, isAbort, toProblem } from './errors';

export interface CallLog {
  operation: string;
  region: string;
  requestId?: string;
  durationMs: number;
  attempts?: number;
  /** "ok", "cancelled", or the error's code. */
  outcome: string;
  detail?: string;
}

export type CallLogger = (entry: CallLog) => void;

export interface CreateResult {
  /** "created": this call made it; "unchanged": it existed already with the same configuration. */
  outcome: 'created' | 'unchanged';
  name: string;
  arn: string;
  id: string;
  /** False where the service could not list the existing group's tags, so only the description was compared. */
  tagsCompared: boolean;
}

export interface ThingSummary {
  name: string;
  arn?: string;
}

export interface ThingDetails extends ThingSummary {
  billingGroupName?: string;
}

/** A repeated create with another configuration: what differs, for the message and "Show Existing". */
export class ConfigurationConflict extends AwsProblem {
  constructor(
    readonly groupName: string,
    readonly differences: Difference[],
  ) {
    super(
      'ConfigurationConflict',
      `Billing group "${groupName}" already exists with another configuration: ${describeDifferences(differences)}.`,
      { kind: 'showExisting', name: groupName },
    );
  }
}

/** Clock skew allowed when deciding whether an existing group was made by this very call (a retried create). */
const CREATED_BY_THIS_CALL_SKEW_MS = 120_000;

export class BillingGroupService {
  constructor(
    private readonly client: IoTClient,
    readonly connection: Connection,
    private readonly log: CallLogger = () => undefined,
  ) {}

  /**
   * The tags last read or written per group ARN, for this connection: the costs feature matches a
   * cost-allocation tag's values to groups through them, with no call of its own (issue 11).
   */
  private readonly tagsSeen = new Map<string, Tag[]>();

  /** The tags of a group as last read or written (details, Edit Tags, Set Up, manifest), or undefined. */
  knownTags(arn: string): Tag[] | undefined {
    return this.tagsSeen.get(arn);
  }

  /** Sends one operation with logging and error mapping; sibling services (thingService.ts) use it too. */
  async call<T extends { $metadata?: { requestId?: string; attempts?: number } }>(
    operation: string,
    send: (client: IoTClient, options: { abortSignal?: AbortSignal }) => Promise<T>,
    signal: AbortSignal | undefined,
    name?: string,
    thing?: string,
  ): Promise<T> {
    const started = Date.now();
    try {
      const out = await send(this.client, { abortSignal: signal });
      this.log({
        operation,
        region: this.connection.region,
        requestId: out.$metadata?.requestId,
        attempts: out.$metadata?.attempts,
        durationMs: Date.now() - started,
        outcome: 'ok',
      });
      return out;
    } catch (e) {
      const meta = (e as { $metadata?: { requestId?: string; attempts?: number } }).$metadata;
      if (isAbort(e) || signal?.aborted) {
        this.log({ operation, region: this.connection.region, durationMs: Date.now() - started, outcome: 'cancelled' });
        throw e;
      }
      const problem = toProblem(e, {
        operation,
        profile: this.connection.profile,
        region: this.connection.region,
        endpoint: this.connection.endpoint,
        name,
        thing,
      });
      this.log({
        operation,
        region: this.connection.region,
        requestId: meta?.requestId,
        attempts: meta?.attempts,
        durationMs: Date.now() - started,
        outcome: problem.code,
        detail: `${(e as Error)?.name ?? ''}: ${(e as Error)?.message ?? e}`,
      });
      throw problem;
    }
  }

  private static refuse(message: string | undefined): void {
    if (message) throw new AwsProblem('InvalidInput', message);
  }

  async listBillingGroups(
    options: { namePrefix?: string; nextToken?: string; pageSize?: number } = {},
    signal?: AbortSignal,
  ): Promise<Page<BillingGroupSummary>> {
    if (options.namePrefix) BillingGroupService.refuse(validateNamePrefix(options.namePrefix));
    const input = {
      maxResults: options.pageSize ?? PAGE_SIZE_MAX,
      nextToken: options.nextToken,
      namePrefixFilter: options.namePrefix || undefined,
    };
    const out = await this.call('ListBillingGroups', (c, o) => c.send(new ListBillingGroupsCommand(input), o), signal);
    return {
      items: (out.billingGroups ?? []).map((g) => ({ name: g.groupName ?? '', arn: g.groupArn ?? '' })),
      nextToken: out.nextToken || undefined,
    };
  }

  /** Every page, in order (the benchmark and bulk work; the tree loads page by page). */
  async listAllBillingGroups(options: { namePrefix?: string } = {}, signal?: AbortSignal): Promise<BillingGroupSummary[]> {
    const all: BillingGroupSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.listBillingGroups({ namePrefix: options.namePrefix, nextToken }, signal);
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  async describeBillingGroup(name: string, signal?: AbortSignal): Promise<BillingGroupDetails> {
    BillingGroupService.refuse(validateName(name));
    const out = await this.call(
      'DescribeBillingGroup',
      (c, o) => c.send(new DescribeBillingGroupCommand({ billingGroupName: name }), o),
      signal,
      name,
    );
    return {
      name: out.billingGroupName ?? name,
      arn: out.billingGroupArn ?? '',
      id: out.billingGroupId ?? '',
      version: out.version,
      description: out.billingGroupProperties?.billingGroupDescription ?? '',
      creationDate: out.billingGroupMetadata?.creationDate,
    };
  }

  /**
   * Creates a billing group. A repeated create with the same configuration is a success (the API's
   * contract); with another configuration it is a ConfigurationConflict saying what differs. Decided
   * with DescribeBillingGroup after a ResourceAlreadyExistsException, because emulators answer 409
   * even for identical configurations, and because a create whose response was lost and retried by
   * the SDK meets its own group: that is reported as created, not as a failure.
   */
  async createBillingGroup(input: BillingGroupInput, signal?: AbortSignal): Promise<CreateResult> {
    const problems = validateInput(input);
    if (hasProblems(problems)) throw new AwsProblem('InvalidInput', problems.name ?? problems.description ?? problems.tags[0].message);
    const request = {
      billingGroupName: input.name,
      billingGroupProperties: input.description ? { billingGroupDescription: input.description } : undefined,
      tags: input.tags.length > 0 ? input.tags.map((t) => ({ Key: t.key, Value: t.value })) : undefined,
    };
    const started = Date.now();
    // How many HTTP attempts the SDK made before the answer: a conflict on the first and only attempt
    // proves this call did not create the group (a retried attempt may have met its own creation).
    let attempts: number | undefined;
    try {
      const out = await this.call(
        'CreateBillingGroup',
        async (c, o) => {
          try {
            return await c.send(new CreateBillingGroupCommand(request), o);
          } catch (e) {
            attempts = (e as { $metadata?: { attempts?: number } }).$metadata?.attempts;
            throw e;
          }
        },
        signal,
        input.name,
      );
      return {
        outcome: 'created',
        name: out.billingGroupName ?? input.name,
        arn: out.billingGroupArn ?? '',
        id: out.billingGroupId ?? '',
        tagsCompared: true,
      };
    } catch (e) {
      if (!(e instanceof AwsProblem) || e.code !== 'ResourceAlreadyExists') throw e;
    }
    const existing = await this.describeBillingGroup(input.name, signal);
    let tags: Tag[] | undefined;
    try {
      tags = await this.listTags(existing.arn, signal);
    } catch (e) {
      if (signal?.aborted) throw e;
      tags = undefined; // the service could not say: compare the description only
    }
    const differences = compareConfiguration({ description: existing.description, tags }, input);
    if (differences.length > 0) throw new ConfigurationConflict(input.name, differences);
    // Only when the SDK retried (or cannot say) can the existing group be this call's own creation
    // whose response was lost; then a group created since the call started (less clock skew) is ours.
    const mayBeOwnRetry = attempts === undefined || attempts > 1;
    const madeByThisCall =
      mayBeOwnRetry && existing.creationDate !== undefined && existing.creationDate.getTime() >= started - CREATED_BY_THIS_CALL_SKEW_MS;
    return {
      outcome: madeByThisCall ? 'created' : 'unchanged',
      name: existing.name,
      arn: existing.arn,
      id: existing.id,
      tagsCompared: tags !== undefined,
    };
  }

  /** Sets the description; expectedVersion guards against overwriting someone else's change. */
  async updateDescription(name: string, description: string, expectedVersion?: number, signal?: AbortSignal): Promise<number | undefined> {
    BillingGroupService.refuse(validateName(name) ?? validateDescription(description));
    const request = { billingGroupName: name, billingGroupProperties: { billingGroupDescription: description }, expectedVersion };
    const out = await this.call('UpdateBillingGroup', (c, o) => c.send(new UpdateBillingGroupCommand(request), o), signal, name);
    return out.version;
  }

  /** expectedVersion (Apply of a manifest): AWS refuses with VersionConflict if the group changed since it was read. */
  async deleteBillingGroup(name: string, signal?: AbortSignal, expectedVersion?: number): Promise<void> {
    BillingGroupService.refuse(validateName(name));
    let attempts: number | undefined;
    try {
      await this.call(
        'DeleteBillingGroup',
        async (c, o) => {
          try {
            return await c.send(new DeleteBillingGroupCommand({ billingGroupName: name, expectedVersion }), o);
          } catch (e) {
            attempts = (e as { $metadata?: { attempts?: number } }).$metadata?.attempts;
            throw e;
          }
        },
        signal,
        name,
      );
    } catch (e) {
      // A delete whose response was lost is retried by the SDK and then meets a 404: the group is gone,
      // which is what was asked. Only a 404 on the first and only attempt means it was gone before.
      if (e instanceof AwsProblem && e.code === 'ResourceNotFound' && attempts !== undefined && attempts > 1) return;
      throw e;
    }
  }

  async listThingsInBillingGroup(name: string, nextToken?: string, signal?: AbortSignal, pageSize = PAGE_SIZE_MAX): Promise<Page<string>> {
    BillingGroupService.refuse(validateName(name));
    const request = { billingGroupName: name, nextToken, maxResults: pageSize };
    const out = await this.call('ListThingsInBillingGroup', (c, o) => c.send(new ListThingsInBillingGroupCommand(request), o), signal, name);
    return { items: out.things ?? [], nextToken: out.nextToken || undefined };
  }

  /**
   * How many things the group holds, from ONE ListThingsInBillingGroup page of 250: a group of
   * millions costs one call and is said to hold "250 or more" (before a delete leaves them without a
   * group).
   */
  async countThingsInBillingGroup(name: string, signal?: AbortSignal): Promise<ThingCount> {
    const page = await this.listThingsInBillingGroup(name, undefined, signal, COUNT_PAGE_SIZE);
    return countFromPage(page.items, page.nextToken);
  }

  async listThings(nextToken?: string, signal?: AbortSignal, pageSize = PAGE_SIZE_MAX): Promise<Page<ThingSummary>> {
    const out = await this.call('ListThings', (c, o) => c.send(new ListThingsCommand({ nextToken, maxResults: pageSize }), o), signal);
    return {
      items: (out.things ?? []).map((t) => ({ name: t.thingName ?? '', arn: t.thingArn })),
      nextToken: out.nextToken || undefined,
    };
  }

  async describeThing(name: string, signal?: AbortSignal): Promise<ThingDetails> {
    BillingGroupService.refuse(validateName(name, 'Thing name'));
    const out = await this.call('DescribeThing', (c, o) => c.send(new DescribeThingCommand({ thingName: name }), o), signal, undefined, name);
    return { name: out.thingName ?? name, arn: out.thingArn, billingGroupName: out.billingGroupName || undefined };
  }

  async addThingToBillingGroup(group: string, thing: string, signal?: AbortSignal): Promise<void> {
    BillingGroupService.refuse(validateName(group) ?? validateName(thing, 'Thing name'));
    const request = { billingGroupName: group, thingName: thing };
    await this.call('AddThingToBillingGroup', (c, o) => c.send(new AddThingToBillingGroupCommand(request), o), signal, group, thing);
  }

  async removeThingFromBillingGroup(group: string, thing: string, signal?: AbortSignal): Promise<void> {
    BillingGroupService.refuse(validateName(group) ?? validateName(thing, 'Thing name'));
    const request = { billingGroupName: group, thingName: thing };
    await this.call('RemoveThingFromBillingGroup', (c, o) => c.send(new RemoveThingFromBillingGroupCommand(request), o), signal, group, thing);
  }

  async listTags(arn: string, signal?: AbortSignal): Promise<Tag[]> {
    const tags: Tag[] = [];
    let nextToken: string | undefined;
    do {
      const request = { resourceArn: arn, nextToken };
      const out = await this.call('ListTagsForResource', (c, o) => c.send(new ListTagsForResourceCommand(request), o), signal);
      tags.push(...(out.tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })));
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    this.tagsSeen.set(arn, tags.map((t) => ({ ...t })));
    return tags;
  }

  /** TagResource: adds or changes these tags, leaves the others (one call). */
  async tagResource(arn: string, set: Tag[], signal?: AbortSignal): Promise<void> {
    const problems = validateTags(set);
    if (problems.length > 0) throw new AwsProblem('InvalidInput', problems[0].message);
    const request = { resourceArn: arn, tags: set.map((t) => ({ Key: t.key, Value: t.value })) };
    await this.call('TagResource', (c, o) => c.send(new TagResourceCommand(request), o), signal);
    const seen = this.tagsSeen.get(arn);
    if (seen) this.tagsSeen.set(arn, [...seen.filter((t) => !set.some((s) => s.key === t.key)), ...set.map((t) => ({ ...t }))]);
  }

  /** UntagResource: removes these keys (one call). AWS-managed keys (aws:…) are refused before sending. */
  async untagResource(arn: string, keys: string[], signal?: AbortSignal): Promise<void> {
    const reserved = keys.find(isAwsManagedTagKey);
    if (reserved !== undefined) throw new AwsProblem('InvalidInput', validateTagKey(reserved) ?? `Tag key ${reserved} is managed by AWS.`);
    const request = { resourceArn: arn, tagKeys: keys };
    await this.call('UntagResource', (c, o) => c.send(new UntagResourceCommand(request), o), signal);
    const seen = this.tagsSeen.get(arn);
    if (seen) this.tagsSeen.set(arn, seen.filter((t) => !keys.includes(t.key)));
  }

  /**
   * Writes a tag change worked out beforehand: UntagResource first, then TagResource, so that
   * replacing keys on a resource that has 50 tags never asks it to hold more than 50.
   */
  async writeTags(arn: string, set: Tag[], remove: string[], signal?: AbortSignal): Promise<void> {
    const problems = validateTags(set);
    if (problems.length > 0) throw new AwsProblem('InvalidInput', problems[0].message);
    if (remove.length > 0) await this.untagResource(arn, remove, signal);
    if (set.length > 0) await this.tagResource(arn, set, signal);
  }

  /**
   * The account id of the credentials (STS GetCallerIdentity), for an account without billing groups
   * whose ARNs would say it. The STS client is made only when asked, with the IoT client's
   * credentials and, for an emulator, the same endpoint.
   */
  async callerAccount(signal?: AbortSignal): Promise<string> {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({
      region: this.connection.region,
      endpoint: this.connection.endpoint,
      credentials: this.client.config.credentials,
      maxAttempts: 3,
    });
    try {
      const started = Date.now();
      try {
        const out = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
        this.log({ operation: 'GetCallerIdentity', region: this.connection.region, requestId: out.$metadata?.requestId, durationMs: Date.now() - started, outcome: 'ok' });
        if (!out.Account) throw new AwsProblem('NoAccount', 'AWS STS did not say which account the credentials belong to.');
        return out.Account;
      } catch (e) {
        if (e instanceof AwsProblem || isAbort(e) || signal?.aborted) throw e;
        const problem = toProblem(e, { operation: 'GetCallerIdentity', service: 'sts', profile: this.connection.profile, region: this.connection.region, endpoint: this.connection.endpoint });
        this.log({ operation: 'GetCallerIdentity', region: this.connection.region, durationMs: Date.now() - started, outcome: problem.code, detail: `${(e as Error)?.name ?? ''}: ${(e as Error)?.message ?? e}` });
        throw problem;
      }
    } finally {
      sts.destroy();
    }
  }

  /**
   * Makes the resource's tags equal `wanted`: one UntagResource for what is gone, then one
   * TagResource for what is new or changed — in that order, so that replacing keys on a resource that
   * has 50 tags never asks it to hold more than 50. AWS-managed tags the resource has (aws:…, e.g.
   * CloudFormation's) stay: `wanted` cannot name them (refused as input), and they are never removed.
   */
  async setTags(arn: string, wanted: Tag[], signal?: AbortSignal): Promise<{ set: number; removed: number }> {
    const problems = validateTags(wanted);
    if (problems.length > 0) throw new AwsProblem('InvalidInput', problems[0].message);
    const all = await this.listTags(arn, signal);
    const existing = all.filter((t) => !isAwsManagedTagKey(t.key));
    const plan = planTagChanges(existing, wanted);
    if (plan.remove.length > 0) {
      const request = { resourceArn: arn, tagKeys: plan.remove };
      await this.call('UntagResource', (c, o) => c.send(new UntagResourceCommand(request), o), signal);
    }
    if (plan.set.length > 0) {
      const request = { resourceArn: arn, tags: plan.set.map((t) => ({ Key: t.key, Value: t.value })) };
      await this.call('TagResource', (c, o) => c.send(new TagResourceCommand(request), o), signal);
    }
    this.tagsSeen.set(arn, [...all.filter((t) => isAwsManagedTagKey(t.key)), ...wanted].map((t) => ({ ...t })));
    return { set: plan.set.length, removed: plan.remove.length };
  }
}
