// Cost Explorer's errors as sentences with their fix. Credentials and network problems are the same
// as AWS IoT's (../errors); what differs is how Cost Explorer denies access and limits requests.
import { govCloudCostsSentence } from '../../core/costAllocation';
import { AwsProblem, toProblem, type ErrorContext } from '../errors';

interface SdkErrorLike {
  name?: string;
  message?: string;
  $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number };
}

export const MONTHS_SETTING = 'iotBillingGroups.costs.months';

/** A GovCloud connection: said before any Cost Explorer request (see govCloudCostsSentence). */
export function govCloudProblem(profile: string): AwsProblem {
  return new AwsProblem('GovCloudCosts', govCloudCostsSentence(profile), { kind: 'selectProfile' });
}

/**
 * How Cost Explorer answers ListCostAllocationTags / UpdateCostAllocationTagsStatus from a member
 * (linked) account of an organisation, whatever its IAM permissions: HTTP 400 AccessDeniedException
 * "Failed to list Cost Allocation Tags: Linked account doesn't have access to cost allocation tags."
 * (and "Failed to update Cost Allocation Tag: …"), as reported in public issues of
 * hashicorp/terraform-provider-aws (#37636), aws/aws-parallelcluster-ui (#242) and 2i2c-org/infrastructure (#4932).
 */
const LINKED_ACCOUNT = /linked account doesn'?t have access to cost allocation tags/i;
/** Maps what a Cost Explorer call threw to an AwsProblem. */
export function toCostProblem(e: unknown, ctx: ErrorContext): AwsProblem {
  const err = (e ?? {}) as SdkErrorLike;
  const name = err.name ?? '';
  const message = String(err.message ?? '');
  const requestId = err.$metadata?.requestId;
  const attempts = err.$metadata?.attempts;
  const p = (code: string, text: string, action?: AwsProblem['action']) => new AwsProblem(code, text, action, requestId);
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
      if (/not enabled for cost explorer/i.test(message))
        return p(
          'CostExplorerNotEnabled',
          `Cost Explorer is not enabled for this account, or IAM access to billing information is not turned on. Open Cost Explorer once in the AWS Billing console (the management account enables it for its members), and have the root user turn on "IAM user and role access to Billing information" in Account settings; then try again (figures can take up to 24 hours).`,
          { kind: 'retry' },
        );
      if (LINKED_ACCOUNT.test(message))
        return p(
          'NotManagementAccount',
          `Only the management account (or a standalone account) manages cost allocation tags: profile "${ctx.profile}" signs in to a member account of an organisation, which can neither list, activate nor backfill them, whatever its policies allow. Select a profile of the organisation's management account, or ask whoever runs its billing to activate the key.`,
          { kind: 'selectProfile' },
        );
      return p(
        'CostAccessDenied',
        `Access denied: the credentials of profile "${ctx.profile}" are not allowed ce:${ctx.operation}. Ask your administrator for that IAM permission, or select another profile.`,
        { kind: 'selectProfile' },
      );
    case 'DataUnavailableException':
      return p('DataUnavailable', 'Cost Explorer has no data for this account yet: once Cost Explorer is enabled, figures appear within 24 hours. Try again tomorrow.', { kind: 'retry' });
    case 'LimitExceededException':
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return p('CostLimitExceeded', `Cost Explorer is limiting requests${attempts ? ` (still after ${attempts} attempts)` : ''}. Try again in a minute.`, { kind: 'retry' });
    case 'RequestChangedException':
    case 'InvalidNextTokenException':
      return p(
        'CostsChanged',
        name === 'RequestChangedException'
          ? "Cost Explorer refused the next page because the request's parameters changed between pages, and again after the query started over without a page token. Refresh Costs to read every page again."
          : 'Cost Explorer did not accept the page token of the next page, and again after the query started over without one. Refresh Costs to read every page again.',
        { kind: 'retry' },
      );
    case 'BillExpirationException':
      return p('BillExpired', `Cost Explorer no longer has the bills of the oldest months asked for. Ask for fewer months (${MONTHS_SETTING}).`, {
        kind: 'openSettings',
        setting: MONTHS_SETTING,
      });
    case 'BackfillLimitExceededException':
      return p('BackfillLimitExceeded', 'A backfill of cost-allocation tags can be asked for once per 24 hours, and one was asked for already. Try again tomorrow.');
    case 'ValidationException':
      return p('CostRequestInvalid', `Cost Explorer rejected the request: ${message.split(/\r?\n/)[0]}`);
  }
  // Credentials, network, 5xx: worded as for AWS IoT, but naming Cost Explorer.
  const base = toProblem(e, { ...ctx, endpoint: ctx.endpoint ?? 'Cost Explorer' });
  return new AwsProblem(base.code, base.message.replace(/\bAWS IoT\b/g, 'Cost Explorer').replace(/\biot:/g, 'ce:'), base.action, base.requestId);
}
