// Where Cost Explorer calls go. Its endpoint is global per partition (us-east-1 for `aws`), so the
// IoT endpoint setting is followed only when it names an emulator (not an AWS host): a FIPS or VPC
// endpoint of AWS IoT says nothing about Cost Explorer.

import { isAwsEndpoint } from '../../core/endpoints';

export { isAwsEndpoint };

/** The endpoint to give the Cost Explorer client: the emulator's, or undefined for the SDK's default. */
export function costExplorerEndpoint(iotEndpoint: string | undefined): string | undefined {
  return iotEndpoint && !isAwsEndpoint(iotEndpoint) ? iotEndpoint : undefined;
}
