// The thing operations of issue 12 (things without a billing group, bulk assignment, cost
// attribution), on the same client, logging and error mapping as BillingGroupService.
// Reads use the largest page the API takes (250) and never one call per thing where a list serves;
// where a few things are wanted, one DescribeThing each when that is fewer calls than a count.
import {
  DescribeCertificateCommand,
  ListThingPrincipalsCommand,
  ListThingPrincipalsV2Command,
  ListThingsCommand,
  ListThingTypesCommand,
} from '@aws-sdk/client-iot';
import type { PrincipalAttachment, PrincipalsRead, ThingPrincipalType } from '../core/attribution';
import type { MembershipPort } from '../core/assignmentSteps';
import { runBulk, type BulkOptions } from '../core/bulk';
import { PAGE_SIZE_MAX } from '../core/limits';
import { validateAttributeName, validateAttributeValue, validateThingTypeName } from '../core/thingQuery';
import type { Page } from '../core/types';
import { lookupWay, UnassignedTally } from '../core/unassignedThings';
import { validateName } from '../core/validation';
import type { BillingGroupService } from './billingGroupService';
import { AwsProblem } from './errors';

/** The service's own filters of ListThings (a name filter does not exist). */
export interface ThingFilter {
  thingTypeName?: string;
  attributeName?: string;
  attributeValue?: string;
}

export interface ThingRecord {
  name: string;
  thingTypeName?: string;
}

export interface CountProgress {
  phase: 'groups' | 'members' | 'things' | 'done';
  /** Calls made so far by this count, by operation. */
  calls: { ListBillingGroups: number; ListThingsInBillingGroup: number; ListThings: number };
  groupsTotal: number;
  groupsRead: number;
  /** Things listed so far by ListThings. */
  thingsRead: number;
  /** Things without a group among those listed so far (grows only: members are all known first). */
  unassigned: number;
}

export interface UnassignedCount {
  tally: UnassignedTally;
  /** Every thing listed by ListThings (T). */
  thingCount: number;
  /** group → its number of things (n_g), over the full list of groups. */
  groupSizes: Map<string, number>;
  calls: CountProgress['calls'];
  /** When the count finished (ms since the epoch): its age is shown before it is used. */
  countedAt: number;
}

/** Where some things are, and how that was learnt (ThingService.membershipOf). */
export interface Membership {
  way: 'count' | 'describe';
  /** thing → its billing group (undefined: none, or not known to the count). */
  groupOf: (thing: string) => string | undefined;
  /** Names the account does not have (DescribeThing said so, or the count lists neither way). */
  missing: string[];
  /** When the membership was read (ms since the epoch). */
  readAt: number;
  /** The count used, when the way was a count. */
  count?: UnassignedCount;
}

export interface MembershipSources {
  /** A count fresh enough to use as it is (costs no call). */
  cached?: UnassignedCount;
  /** A full count over these groups (the caller's, with its progress and cache). */
  count: (groups: string[]) => Promise<UnassignedCount>;
}

/** The run of a bulk assignment (src/core/assignmentSteps.ts) on this connection. */
export function membershipPort(service: BillingGroupService): MembershipPort {
  return {
    groupOf: async (thing, signal) => (await service.describeThing(thing, signal)).billingGroupName,
    addThing: (group, thing, signal) => service.addThingToBillingGroup(group, thing, signal),
    groupExists: (group, signal) =>
      service.describeBillingGroup(group, signal).then(
        () => true,
        (e: unknown) => !(e instanceof AwsProblem && e.code === 'ResourceNotFound'),
      ),
  };
}

/**
 * Whether the endpoint knows ListThingPrincipalsV2, per connection (its service): found out by the
 * first call, then kept, so that an endpoint without it (an older emulator, a partition that lacks it)
 * costs one failed call and one log line, not one per thing.
 */
const principalsApi = new WeakMap<BillingGroupService, PrincipalsRead>();

/** An answer that means "this endpoint has no such operation", not "no such thing". */
function unknownOperation(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } } | undefined;
  const name = err?.name ?? '';
  const status = err?.$metadata?.httpStatusCode ?? err?.$response?.statusCode;
  if (/^(UnknownOperation|UnknownOperationException|NotImplemented|NotImplementedException|InvalidAction)$/.test(name)) return true;
  if (status === 501) return true;
  // A route the endpoint does not have: 404 that is not the service's ResourceNotFoundException.
  if (status === 404 && name !== 'ResourceNotFoundException') return true;
  // A server error whose body is no AWS error at all (an HTML page the SDK cannot read): how moto
  // answers operations it has not implemented. AWS's own InternalFailureException is JSON.
  if (status !== undefined && status >= 500 && (name === 'SyntaxError' || /Deserialization/i.test(String((e as { message?: unknown }).message ?? '')))) return true;
  return false;
}

export interface CountOptions {
  /** The full, unfiltered list of groups if the caller has it; otherwise it is read (ListBillingGroups). */
  groups?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (p: CountProgress) => void;
  /** Group member lists read at once (the ListThings scan runs beside them). */
  concurrency?: number;
  /** For the benchmark's equal-page-size comparison only; the extension uses the largest. */
  pageSize?: number;
}

function refuse(message: string | undefined): void {
  if (message) throw new AwsProblem('InvalidInput', message);
}

export class ThingService {
  /** `note`: a line for the log (e.g. that the endpoint lacks ListThingPrincipalsV2). */
  constructor(
    readonly groups: BillingGroupService,
    private readonly options: { note?: (message: string) => void } = {},
  ) {}

  async listThingsPage(filter: ThingFilter = {}, nextToken?: string, signal?: AbortSignal, pageSize = PAGE_SIZE_MAX): Promise<Page<ThingRecord>> {
    if (filter.thingTypeName !== undefined) refuse(validateThingTypeName(filter.thingTypeName));
    if (filter.attributeName !== undefined) refuse(validateAttributeName(filter.attributeName) ?? validateAttributeValue(filter.attributeValue ?? ''));
    const input = { nextToken, maxResults: pageSize, ...filter };
    const out = await this.groups.call('ListThings', (c, o) => c.send(new ListThingsCommand(input), o), signal);
    return {
      items: (out.things ?? []).map((t) => ({ name: t.thingName ?? '', thingTypeName: t.thingTypeName || undefined })),
      nextToken: out.nextToken || undefined,
    };
  }

  /** Every page of ListThings in order, as they arrive; stops between pages when `signal` aborts. */
  async *thingPages(filter: ThingFilter = {}, signal?: AbortSignal, pageSize = PAGE_SIZE_MAX): AsyncGenerator<ThingRecord[]> {
    let nextToken: string | undefined;
    do {
      const page = await this.listThingsPage(filter, nextToken, signal, pageSize);
      yield page.items;
      nextToken = page.nextToken;
    } while (nextToken);
  }

  async listAllThings(filter: ThingFilter = {}, signal?: AbortSignal): Promise<ThingRecord[]> {
    const all: ThingRecord[] = [];
    for await (const page of this.thingPages(filter, signal)) all.push(...page);
    return all;
  }

  async listThingTypes(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const input = { nextToken, maxResults: PAGE_SIZE_MAX };
      const out = await this.groups.call('ListThingTypes', (c, o) => c.send(new ListThingTypesCommand(input), o), signal);
      names.push(...(out.thingTypes ?? []).map((t) => t.thingTypeName ?? '').filter((n) => n !== ''));
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    return names;
  }

  /** Every thing of a group, at 250 a page: max(1, ⌈n/250⌉) calls. */
  async listAllThingsInBillingGroup(group: string, signal?: AbortSignal, pageSize = PAGE_SIZE_MAX): Promise<string[]> {
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.groups.listThingsInBillingGroup(group, nextToken, signal, pageSize);
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  /**
   * Things without a billing group: ListThings minus the union of ListThingsInBillingGroup over the
   * full list of groups, ⌈T/250⌉ + Σ max(1, ⌈n_g/250⌉) calls (plus ⌈G/250⌉ ListBillingGroups when
   * the caller has no complete list). The group lists are read a few at once beside the ListThings
   * scan; the scan's pages are counted as soon as every group is known, so the count only grows.
   * Cancelled with `signal` (the call under way is aborted; its rejection is the AbortError).
   */
  async countUnassigned(o: CountOptions = {}): Promise<UnassignedCount> {
    const pageSize = o.pageSize ?? PAGE_SIZE_MAX;
    const calls = { ListBillingGroups: 0, ListThingsInBillingGroup: 0, ListThings: 0 };
    const tally = new UnassignedTally();
    const groupSizes = new Map<string, number>();
    let groupsRead = 0;
    let thingsRead = 0;
    let phase: CountProgress['phase'] = 'groups';
    let groups: readonly string[] = o.groups ?? [];
    const report = () => o.onProgress?.({ phase, calls: { ...calls }, groupsTotal: groups.length, groupsRead, thingsRead, unassigned: tally.count });

    if (!o.groups) {
      let nextToken: string | undefined;
      const names: string[] = [];
      do {
        const page = await this.groups.listBillingGroups({ nextToken }, o.signal);
        calls.ListBillingGroups++;
        names.push(...page.items.map((g) => g.name));
        nextToken = page.nextToken;
      } while (nextToken);
      groups = names;
    }
    phase = 'members';
    report();

    // If one side fails, the other is aborted so that no call goes on in the background.
    const inner = new AbortController();
    const onAbort = () => inner.abort();
    if (o.signal?.aborted) inner.abort();
    o.signal?.addEventListener('abort', onAbort);
    const signal = inner.signal;
    const pending: string[][] = [];
    let membersKnown = false;
    const readMembers = async () => {
      let next = 0;
      const worker = async () => {
        while (next < groups.length) {
          const group = groups[next++];
          let nextToken: string | undefined;
          let size = 0;
          do {
            try {
              const page = await this.groups.listThingsInBillingGroup(group, nextToken, signal, pageSize);
              calls.ListThingsInBillingGroup++;
              tally.addMembers(group, page.items);
              size += page.items.length;
              nextToken = page.nextToken;
            } catch (e) {
              // A group deleted since the list was read holds no things now.
              if (e instanceof AwsProblem && e.code === 'ResourceNotFound') {
                calls.ListThingsInBillingGroup++;
                break;
              }
              throw e;
            }
          } while (nextToken);
          groupSizes.set(group, size);
          groupsRead++;
          report();
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 3, groups.length)) }, worker));
      membersKnown = true;
      phase = 'things';
      for (const page of pending.splice(0)) tally.addThings(page);
      report();
    };
    const scanThings = async () => {
      for await (const page of this.thingPages({}, signal, pageSize)) {
        calls.ListThings++;
        thingsRead += page.length;
        const names = page.map((t) => t.name);
        if (membersKnown) {
          tally.addThings(names);
          report();
        } else pending.push(names);
      }
    };
    let firstFailure: { reason: unknown } | undefined;
    const guarded = (work: () => Promise<void>) =>
      work().catch((reason: unknown) => {
        firstFailure ??= { reason };
        inner.abort();
      });
    try {
      await Promise.all([guarded(readMembers), guarded(scanThings)]);
      if (firstFailure) throw firstFailure.reason;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
    phase = 'done';
    report();
    return { tally, thingCount: thingsRead, groupSizes, calls, countedAt: Date.now() };
  }

  /**
   * Where `names` are: the cached count when one is at hand (no call); otherwise the list of groups
   * (⌈G/250⌉ ListBillingGroups), then one DescribeThing per name (paced by `bulk`) or a full count
   * over those groups, whichever is fewer calls (core/unassignedThings.ts lookupWay).
   */
  async membershipOf(names: readonly string[], sources: MembershipSources, o: { bulk: BulkOptions; signal?: AbortSignal }): Promise<Membership> {
    const fromCount = (count: UnassignedCount): Membership => {
      const unassigned = new Set(count.tally.names());
      return {
        way: 'count',
        groupOf: (t) => count.tally.groupOf(t),
        missing: names.filter((t) => count.tally.groupOf(t) === undefined && !unassigned.has(t)),
        readAt: count.countedAt,
        count,
      };
    };
    if (sources.cached) return fromCount(sources.cached);
    const groups = (await this.groups.listAllBillingGroups({}, o.signal)).map((g) => g.name);
    if (lookupWay(names.length, groups.length) === 'count') return fromCount(await sources.count(groups));
    const readAt = Date.now();
    const where = new Map<string, string | undefined>();
    const missing: string[] = [];
    const outcomes = await runBulk(
      names,
      async (t) => {
        try {
          where.set(t, (await this.groups.describeThing(t, o.signal)).billingGroupName);
        } catch (e) {
          if (e instanceof AwsProblem && e.code === 'ResourceNotFound') missing.push(t);
          else throw e;
        }
      },
      { ...o.bulk, isCancelled: () => (o.signal?.aborted ?? false) || (o.bulk.isCancelled?.() ?? false) },
    );
    const failed = outcomes.find((r) => !r.ok);
    if (failed) throw failed.error;
    if (o.signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
    const gone = new Set(missing);
    return { way: 'describe', groupOf: (t) => where.get(t), missing: names.filter((t) => gone.has(t)), readAt };
  }

  /** The principals attached to a thing (certificate ARNs, Cognito identity ids, …), every page. */
  async listThingPrincipals(thing: string, signal?: AbortSignal): Promise<string[]> {
    refuse(validateName(thing, 'Thing name'));
    const principals: string[] = [];
    let nextToken: string | undefined;
    do {
      const input = { thingName: thing, nextToken, maxResults: PAGE_SIZE_MAX };
      const out = await this.groups.call('ListThingPrincipals', (c, o) => c.send(new ListThingPrincipalsCommand(input), o), signal, undefined, thing);
      principals.push(...(out.principals ?? []));
      nextToken = out.nextToken || undefined;
    } while (nextToken);
    return principals;
  }

  /**
   * The principals attached to a thing with their attachment type (ListThingPrincipalsV2), or without
   * it (ListThingPrincipals) where the endpoint does not know V2: found out once per connection and
   * said once in the log. Both need the iot:ListThingPrincipals permission.
   */
  async listThingPrincipalAttachments(thing: string, signal?: AbortSignal): Promise<{ attachments: PrincipalAttachment[]; read: PrincipalsRead }> {
    refuse(validateName(thing, 'Thing name'));
    if (principalsApi.get(this.groups) !== 'ListThingPrincipals') {
      const attachments: PrincipalAttachment[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const input = { thingName: thing, nextToken, maxResults: PAGE_SIZE_MAX };
          const out = await this.groups.call(
            'ListThingPrincipalsV2',
            async (c, o) => {
              try {
                return await c.send(new ListThingPrincipalsV2Command(input), o);
              } catch (e) {
                if (unknownOperation(e)) throw new AwsProblem('UnknownOperation', 'This endpoint does not offer ListThingPrincipalsV2.');
                throw e;
              }
            },
            signal,
            undefined,
            thing,
          );
          for (const p of out.thingPrincipalObjects ?? []) {
            if (!p.principal) continue;
            const type = p.thingPrincipalType as ThingPrincipalType | undefined;
            attachments.push({ principal: p.principal, type: type ?? 'NON_EXCLUSIVE_THING' });
          }
          nextToken = out.nextToken || undefined;
        } while (nextToken);
        principalsApi.set(this.groups, 'ListThingPrincipalsV2');
        return { attachments, read: 'ListThingPrincipalsV2' };
      } catch (e) {
        if (!(e instanceof AwsProblem && e.code === 'UnknownOperation')) throw e;
        if (principalsApi.get(this.groups) !== 'ListThingPrincipals') {
          principalsApi.set(this.groups, 'ListThingPrincipals');
          this.options.note?.(
            `${this.groups.connection.endpoint ?? `AWS IoT in ${this.groups.connection.region}`} does not offer ListThingPrincipalsV2: attachments are read with ListThingPrincipals, without their type (exclusive attachments cannot be seen).`,
          );
        }
      }
    }
    return { attachments: (await this.listThingPrincipals(thing, signal)).map((principal) => ({ principal })), read: 'ListThingPrincipals' };
  }

  /** A certificate's status: ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, … */
  async describeCertificate(certificateId: string, signal?: AbortSignal): Promise<{ id: string; status: string }> {
    if (!/^[0-9a-fA-F]{1,64}$/.test(certificateId)) throw new AwsProblem('InvalidInput', 'A certificate id is up to 64 hexadecimal digits.');
    const out = await this.groups.call('DescribeCertificate', (c, o) => c.send(new DescribeCertificateCommand({ certificateId }), o), signal);
    return { id: certificateId, status: out.certificateDescription?.status ?? 'UNKNOWN' };
  }
}
