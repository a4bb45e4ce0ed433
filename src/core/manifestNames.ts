// What the entry bundle needs to know of manifests without loading the parser: which files are
// manifests, and the account and region id patterns (shared with the JSON Schema).
export const ACCOUNT_PATTERN = /^[0-9]{12}$/;
/** Region ids as AWS spells them: eu-west-1, us-gov-east-1, cn-northwest-1. */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-[0-9]+$/;

/** Is this file name a manifest's (billing-groups.json or *.billing-groups.json)? */
export function isManifestFileName(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? '';
  return base === 'billing-groups.json' || (base.endsWith('.billing-groups.json') && base.length > '.billing-groups.json'.length);
}
