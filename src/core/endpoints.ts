// Whether an endpoint URL is one of AWS's own hosts or an emulator's: an AWS endpoint of AWS IoT
// (FIPS, VPC) says nothing about other services, an emulator's serves them all.

/** Host suffixes of AWS's own endpoints, across partitions. */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov|amazonaws\.eu)$/i;

export function isAwsEndpoint(endpoint: string): boolean {
  try {
    return AWS_HOST.test(new URL(endpoint).hostname.replace(/\.$/, ''));
  } catch {
    return false;
  }
}
