// What an AWS IoT billing group ARN says: arn:PARTITION:iot:REGION:ACCOUNT:billinggroup/NAME.

/** The account of an ARN (12 digits), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && /^[0-9]{12}$/.test(parts[4]) ? parts[4] : undefined;
}
