// Regions where AWS IoT Core is offered (from the AWS endpoints and quotas page), for the region picker.
export const IOT_REGIONS: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'us-east-1', name: 'US East (N. Virginia)' },
  { id: 'us-east-2', name: 'US East (Ohio)' },
  { id: 'us-west-1', name: 'US West (N. California)' },
  { id: 'us-west-2', name: 'US West (Oregon)' },
  { id: 'ca-central-1', name: 'Canada (Central)' },
  { id: 'sa-east-1', name: 'South America (São Paulo)' },
  { id: 'eu-central-1', name: 'Europe (Frankfurt)' },
  { id: 'eu-west-1', name: 'Europe (Ireland)' },
  { id: 'eu-west-2', name: 'Europe (London)' },
  { id: 'eu-west-3', name: 'Europe (Paris)' },
  { id: 'eu-north-1', name: 'Europe (Stockholm)' },
  { id: 'eu-south-1', name: 'Europe (Milan)' },
  { id: 'ap-east-1', name: 'Asia Pacific (Hong Kong)' },
  { id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)' },
  { id: 'ap-northeast-2', name: 'Asia Pacific (Seoul)' },
  { id: 'ap-south-1', name: 'Asia Pacific (Mumbai)' },
  { id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
  { id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)' },
  { id: 'me-central-1', name: 'Middle East (UAE)' },
  { id: 'me-south-1', name: 'Middle East (Bahrain)' },
  { id: 'cn-north-1', name: 'China (Beijing)' },
  { id: 'cn-northwest-1', name: 'China (Ningxia)' },
  { id: 'us-gov-east-1', name: 'AWS GovCloud (US-East)' },
  { id: 'us-gov-west-1', name: 'AWS GovCloud (US-West)' },
];

/** The IoT console page of a billing group, in the console of the region's partition. */
export function consoleUrl(region: string, name: string): string {
  const host = region.startsWith('cn-')
    ? 'console.amazonaws.cn'
    : region.startsWith('us-gov-')
      ? 'console.amazonaws-us-gov.com'
      : 'console.aws.amazon.com';
  return `https://${host}/iot/home?region=${encodeURIComponent(region)}#/billinggroup/${encodeURIComponent(name)}`;
}
