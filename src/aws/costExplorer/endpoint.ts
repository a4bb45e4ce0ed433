// Where Cost Explorer calls go. Its endpoint is global per partition (us-east-1 for `aws`), so the
// IoT endpoint setting is followed only when it names an emulator (not an AWS host): a FIPS or VPC
// endpoint of AWS IoT says nothing about Cost Explorer.

/** Host suffixes of AWS's own endpoints, across partitions. */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov|amazonaws\.eu)$/i;

export function isAwsEndpoint(endpoint: string): boolean {
  try {
    return AWS_HOST.test(new URL(endpoint).hostname.replace(/\.$/, ''));
  } catch {
    return false;
  }
}

/** The endpoint to give the Cost Explorer client: the emulator's, or undefined for the SDK's default. */
export function costExplorerEndpoint(iotEndpoint: string | undefined): string | undefined {
  return iotEndpoint && !isAwsEndpoint(iotEndpoint) ? iotEndpoint : undefined;
}
