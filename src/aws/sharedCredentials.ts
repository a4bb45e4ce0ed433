// One credential resolution shared by several clients (the regions of one profile): the SDK keeps
// credentials per client, so two regions of an MFA profile would each ask for a code, and two
// regions of an SSO profile would each read and refresh its token. This keeps the answer until
// shortly before it expires and lets concurrent callers wait for the one resolution under way.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type CredentialProvider = AwsCredentialIdentityProvider;

/** Renewed this long before the expiration (the SDK's own margin is 5 minutes). */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export function sharedCredentials(provider: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - now() > EXPIRY_MARGIN_MS;
  return async (options) => {
    if (options?.forceRefresh) cached = undefined;
    if (cached && fresh(cached)) return cached;
    // A failure (a cancelled MFA prompt, an expired SSO session) is not kept: the next call asks again.
    pending ??= provider(options).then(
      (c) => {
        cached = c;
        pending = undefined;
        return c;
      },
      (e: unknown) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
}
