// The limits of the AWS IoT API model (iot/2015-05-28) for billing groups and tags.
// The emulator checks none of them: these rules are all that keeps bad input from AWS.
export const NAME_MAX = 128;
export const DESCRIPTION_MAX = 2028;
export const TAGS_MAX = 50;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
export const RESERVED_TAG_PREFIX = 'aws:';

/**
 * A tag AWS manages (CloudFormation's aws:cloudformation:stack-name and the like): the prefix is
 * reserved in any letter case, so no caller may set, change or remove it, and it does not count
 * towards the 50 tags of a resource (AWS General Reference, "Tagging AWS resources", tag naming
 * limits and requirements).
 */
export function isAwsManagedTagKey(key: string): boolean {
  return key.toLowerCase().startsWith(RESERVED_TAG_PREFIX);
}
/** Largest page ListBillingGroups / ListThingsInBillingGroup / ListThings accept. */
export const PAGE_SIZE_MAX = 250;

/** `[a-zA-Z0-9:_-]+` — billing group names, thing names and name-prefix filters. */
export const NAME_PATTERN = /^[a-zA-Z0-9:_-]+$/;
/** `[\p{Graph}\x20]*` read as Unicode: visible characters and the plain space; no other whitespace or controls. */
export const DESCRIPTION_CHAR = /^(?:[^\p{White_Space}\p{Cc}\p{Cs}\p{Cn}]|\x20)$/u;
/** `[\p{L}\p{Z}\p{N}_.:/=+\-@]` */
export const TAG_KEY_CHAR = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;
