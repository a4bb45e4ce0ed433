// Pure rules of setting cost allocation up: which AWS partition the connection is in (GovCloud's costs
// live elsewhere) and what a backfill of cost-allocation tags really does, said before it is asked for.

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

/** The partition of an ARN (arn:PARTITION:…), or undefined. */
function partitionOfArn(arn: string): string | undefined {
  const m = /^arn:([^:]+):/.exec(arn);
  return m ? m[1] : undefined;
}

/**
 * The partition of the connection, from its region (us-gov-*, cn-*) or, where the region says nothing
 * (an emulator, a custom endpoint), the billing groups' ARNs (arn:aws-us-gov:…, arn:aws-cn:…).
 */
export function costsPartition(region: string, arns: readonly string[]): Partition {
  if (/^us-gov-/.test(region) || arns.some((a) => partitionOfArn(a) === 'aws-us-gov')) return 'aws-us-gov';
  if (/^cn-/.test(region) || arns.some((a) => partitionOfArn(a) === 'aws-cn')) return 'aws-cn';
  return 'aws';
}

/**
 * GovCloud: the costs of an AWS GovCloud (US) account are billed to, and shown in Cost Explorer of, the
 * standard (commercial) account it is associated with; its cost-allocation tags are activated there
 * (AWS GovCloud (US) User Guide, "Billing and payment" / "AWS Billing and Cost Management"). The
 * GovCloud account itself has no Cost Explorer to ask.
 */
export function govCloudCostsSentence(profile: string): string {
  return (
    `Profile "${profile}" signs in to an AWS GovCloud (US) account (partition aws-us-gov). Cost Explorer and cost-allocation tags of a GovCloud account ` +
    `live in the associated standard (commercial) AWS account: select a profile of that associated standard account for costs, ` +
    `and activate the tag key there. The billing groups' tags stay in GovCloud; nothing was sent to Cost Explorer.`
  );
}

/** Inactive keys named in the backfill's warning; the rest are counted. */
const KEYS_NAMED = 10;

/**
 * The modal before StartCostAllocationTagBackfill. Its reference: "This will backfill the activation
 * status (either active or inactive) for all tag keys from BackfillFrom up to the time this request is
 * made. You can request a backfill once every 24 hours." So it is about every key of the organisation,
 * not the one being set up, and it only applies statuses: usage gains a tag's history only where the
 * resource already carried the tag.
 */
export function backfillConfirmation(key: string, inactiveKeys: readonly string[], from: string): { message: string; detail: string } {
  const named = inactiveKeys.slice(0, KEYS_NAMED).join(', ');
  const rest = inactiveKeys.length - Math.min(inactiveKeys.length, KEYS_NAMED);
  const inactive =
    inactiveKeys.length === 0
      ? 'No key is inactive now.'
      : `Keys inactive now lose their cost-allocation history from ${from} on: ${named}${rest > 0 ? ` and ${rest} more` : ''}.`;
  return {
    message: `Backfill the cost-allocation tags of the whole organisation from ${from}?`,
    detail: [
      `A backfill applies the current activation status of every cost-allocation tag key of the organisation (not only "${key}") to every month from ${from} until now.`,
      inactive,
      'It can run once per 24 hours.',
      `It adds no tags to past usage: only months in which the billing groups already carried "${key}" gain history.`,
    ].join(' '),
  };
}
