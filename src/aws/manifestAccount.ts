// The manifest's reads and writes (src/core/manifestRead.ts, manifestApply.ts) on the billing group
// service: one service method per call, errors mapped to sentences, and the answers that mean
// "someone changed this since the plan" turned into ChangedSincePlan.
import { ChangedSincePlan, type ManifestWriter } from '../core/manifestApply';
import { accountOfArn, type AccountReader } from '../core/manifestRead';
import type { BillingGroupService } from './billingGroupService';
import { ConfigurationConflict } from './billingGroupService';
import { isAbort, isAwsProblem } from './errors';

async function allThings(service: BillingGroupService, group: string, signal?: AbortSignal): Promise<string[]> {
  const things: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await service.listThingsInBillingGroup(group, nextToken, signal);
    things.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return things;
}

/** The answer, or undefined when the group no longer exists (deleted since it was listed). */
async function unlessGone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if (isAwsProblem(e) && e.code === 'ResourceNotFound') return undefined;
    throw e;
  }
}

export function manifestReader(service: BillingGroupService): AccountReader {
  return {
    region: service.connection.region,
    listGroups: (signal) => service.listAllBillingGroups({}, signal),
    describe: async (name, signal) => {
      const d = await unlessGone(service.describeBillingGroup(name, signal));
      return d && { arn: d.arn, version: d.version, description: d.description };
    },
    listTags: (arn, signal) => unlessGone(service.listTags(arn, signal)),
    listThings: (group, signal) => unlessGone(allThings(service, group, signal)),
    countThings: (group, signal) => unlessGone(service.countThingsInBillingGroup(group, signal)),
    thingGroup: async (thing, signal) => {
      try {
        return (await service.describeThing(thing, signal)).billingGroupName;
      } catch (e) {
        if (isAwsProblem(e) && e.code === 'ResourceNotFound') return 'missing';
        throw e;
      }
    },
    account: async (groups, signal) => {
      for (const g of groups) {
        const account = accountOfArn(g.arn);
        if (account) return account;
      }
      try {
        return await service.callerAccount(signal);
      } catch (e) {
        if (signal?.aborted) throw e;
        // Unknown (logged with the call): a manifest that names an account or prunes is then refused
        // (connectionRefusal), one that does neither can still be planned and applied.
        return undefined;
      }
    },
  };
}

export function manifestWriter(service: BillingGroupService): ManifestWriter {
  return {
    create: async (name, description, tags, signal) => {
      try {
        const r = await service.createBillingGroup({ name, description, tags }, signal);
        return { outcome: r.outcome, arn: r.arn };
      } catch (e) {
        // Someone else made a group of that name since the plan, with another configuration.
        if (e instanceof ConfigurationConflict) throw new ChangedSincePlan(`it was created meanwhile: ${e.message.replace(/^[^:]*: /, '')}`);
        throw e;
      }
    },
    updateDescription: async (name, description, expectedVersion, signal) => {
      try {
        await service.updateDescription(name, description, expectedVersion, signal);
      } catch (e) {
        if (!isAwsProblem(e) || e.code !== 'VersionConflict') throw e;
        // The version moved on. When the group now says exactly what this step writes, one more
        // version is this step's own earlier write (an answer lost and the SDK's retry meeting it):
        // that is done. Anything else is someone else's change.
        const now = await service.describeBillingGroup(name, signal).catch(() => undefined);
        if (now && now.description === description && expectedVersion !== undefined && now.version === expectedVersion + 1) return;
        throw new ChangedSincePlan('its version moved on');
      }
    },
    readTags: (arn, signal) => service.listTags(arn, signal),
    untag: (arn, keys, signal) => service.untagResource(arn, keys, signal),
    tag: (arn, tags, signal) => service.tagResource(arn, tags, signal),
    thingGroup: async (thing, signal) => (await service.describeThing(thing, signal)).billingGroupName,
    addThing: (group, thing, signal) => service.addThingToBillingGroup(group, thing, signal),
    removeThing: (group, thing, signal) => service.removeThingFromBillingGroup(group, thing, signal),
    delete: async (name, expectedVersion, signal) => {
      try {
        await service.deleteBillingGroup(name, signal, expectedVersion);
      } catch (e) {
        if (isAwsProblem(e) && e.code === 'VersionConflict') throw new ChangedSincePlan('its version moved on');
        // Already gone is what was asked.
        if (isAwsProblem(e) && e.code === 'ResourceNotFound') return;
        throw e;
      }
    },
  };
}

/**
 * The account of a connection, found out before a manifest is matched with the connections (issue
 * 17): one ListBillingGroups page of ONE group (maxResults 1; the API takes 1–250, "ListBillingGroups"
 * in the AWS IoT API Reference), whose ARN says the account; without a group, AWS STS
 * GetCallerIdentity, which needs no permission ("GetCallerIdentity" in the AWS STS API Reference:
 * "No permissions are required to perform this operation"). Undefined when neither says (each
 * failure is in the log with its call); a cancellation is thrown.
 */
export async function connectionAccount(service: BillingGroupService, signal?: AbortSignal): Promise<string | undefined> {
  const cancelled = (e: unknown) => isAbort(e) || signal?.aborted === true;
  try {
    const page = await service.listBillingGroups({ pageSize: 1 }, signal);
    const account = page.items.map((g) => accountOfArn(g.arn)).find((a) => a !== undefined);
    if (account) return account;
  } catch (e) {
    if (cancelled(e)) throw e;
  }
  try {
    return await service.callerAccount(signal);
  } catch (e) {
    if (cancelled(e)) throw e;
    return undefined;
  }
}
