// Turns what the SDK throws into a sentence a person can act on, with the action that fixes it.
// Errors cross the lazy-bundle boundary, so the UI recognises them by shape (isAwsProblem), not class.

export type ProblemAction =
  | { kind: 'selectProfile' }
  | { kind: 'selectRegion' }
  | { kind: 'ssoLogin'; profile: string }
  | { kind: 'openSettings'; setting: string }
  | { kind: 'openFile'; path: string }
  | { kind: 'refresh' }
  | { kind: 'retry' }
  | { kind: 'reloadAndRetry' }
  | { kind: 'showExisting'; name: string };

export class AwsProblem extends Error {
  readonly awsProblem = true;
  constructor(
    /** Stable code: the service's exception name or one of ours (ProfileNotFound, NoRegion, …). */
    readonly code: string,
    message: string,
    readonly action?: ProblemAction,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'AwsProblem';
  }
}

export function isAwsProblem(e: unknown): e is AwsProblem {
  return typeof e === 'object' && e !== null && (e as { awsProblem?: unknown }).awsProblem === true;
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: { statusCode?: number };
}

export interface ErrorContext {
  /** API operation, e.g. "CreateBillingGroup" (names the missing iot: permission). */
  operation: string;
  /** The IAM prefix of the operation's service (default "iot"). */
  service?: string;
  profile: string;
  region: string;
  endpoint?: string;
  /** The billing group concerned, when there is one. */
  name?: string;
  /** The thing concerned, when there is one (a 404 may then be about the thing, not the group). */
  thing?: string;
}

const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'];

export function isAbort(e: unknown): boolean {
  const err = e as SdkErrorLike;
  return err?.name === 'AbortError' || err?.name === 'RequestAbortedError';
}

function firstLine(s: string, max = 200): string {
  const line = s.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Maps anything thrown during a call to an AwsProblem. */
export function toProblem(e: unknown, ctx: ErrorContext): AwsProblem {
  if (isAwsProblem(e)) return e;
  const err = (e ?? {}) as SdkErrorLike;
  const name = err.name ?? 'Error';
  const code = err.code ?? '';
  const message = String(err.message ?? e);
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const requestId = err.$metadata?.requestId;
  const attempts = err.$metadata?.attempts;
  const where = ctx.endpoint ?? `AWS IoT in ${ctx.region}`;
  const group = ctx.name ? `billing group "${ctx.name}"` : 'the billing group';
  const p = (c: string, m: string, action?: ProblemAction) => new AwsProblem(c, m, action, requestId);

  // Credentials (thrown before any request is sent).
  // An MFA prompt the person cancelled rejects with a plain Error from our own mfaCodeProvider.
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /credential_process|Could not resolve credentials|SSO|\bMFA\b/i.test(message) && !status) {
    if (/sso/i.test(message) && /(expired|refresh|token)/i.test(message))
      return p('SsoSessionExpired', `The AWS SSO session of profile "${ctx.profile}" has expired or was never started. Run "aws sso login --profile ${ctx.profile}" in a terminal, then Refresh.`, {
        kind: 'ssoLogin',
        profile: ctx.profile,
      });
    if (/credential_process|Command failed|credential process/i.test(message))
      return p('CredentialProcessFailed', `The credential_process of profile "${ctx.profile}" failed: ${firstLine(message)}. Fix the command in your AWS config, then Refresh.`, {
        kind: 'selectProfile',
      });
    if (/mfa/i.test(message))
      return p('MfaRequired', `Profile "${ctx.profile}" needs an MFA code, and none was given. Refresh to be asked again.`, { kind: 'refresh' });
    return p('NoCredentials', `No usable AWS credentials for profile "${ctx.profile}": ${firstLine(message)}. Select another profile or fix this one.`, {
      kind: 'selectProfile',
    });
  }

  // Network: nothing answered, or the answer never came.
  if (NETWORK_CODES.includes(code) || NETWORK_CODES.some((c) => message.includes(c)) || name === 'TimeoutError' || /socket hang up|timed out|ECONNRESET|getaddrinfo/i.test(message))
    return p('EndpointUnreachable', `Cannot reach ${where}${code ? ` (${code})` : ''}${attempts && attempts > 1 ? ` after ${attempts} attempts` : ''}. Check your network${ctx.endpoint ? ' and the iotBillingGroups.endpoint setting' : ''}, then retry.`, {
      kind: 'retry',
    });

  switch (name) {
    case 'AccessDeniedException':
    case 'UnauthorizedException':
    case 'AccessDenied':
      return p('AccessDenied', `Access denied: the credentials of profile "${ctx.profile}" are not allowed ${ctx.service ?? 'iot'}:${ctx.operation}. Ask your administrator for that permission, or select another profile.`, {
        kind: 'selectProfile',
      });
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return p('CredentialsRejected', `AWS rejected the credentials of profile "${ctx.profile}" (${name}): they are expired or invalid. Renew them, then Refresh.`, {
        kind: 'selectProfile',
      });
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return p('Throttled', `AWS IoT is throttling requests${attempts ? ` (still after ${attempts} attempts)` : ''}. Wait a moment, then retry.`, { kind: 'retry' });
    case 'InvalidRequestException':
      return p('InvalidRequest', `AWS IoT rejected the request: ${firstLine(message)}`);
    case 'ResourceAlreadyExistsException':
      return p('ResourceAlreadyExists', `A ${group.replace(/^the /, '')} already exists.`, ctx.name ? { kind: 'showExisting', name: ctx.name } : undefined);
    case 'ResourceNotFoundException':
      if (ctx.thing && ctx.name)
        return p('ResourceNotFound', `Billing group "${ctx.name}" or thing "${ctx.thing}" does not exist. Refresh the list.`, { kind: 'refresh' });
      if (ctx.thing) return p('ResourceNotFound', `Thing "${ctx.thing}" does not exist.`, { kind: 'refresh' });
      return p('ResourceNotFound', `${capital(group)} no longer exists. Refresh the list.`, { kind: 'refresh' });
    case 'VersionConflictException':
      return p('VersionConflict', `Someone else changed ${group} since it was loaded.`, { kind: 'reloadAndRetry' });
    case 'LimitExceededException':
      return p('LimitExceeded', `An AWS IoT limit was reached: ${firstLine(message)}`);
    case 'InternalFailureException':
    case 'InternalServerException':
    case 'ServiceUnavailableException':
      return p('InternalFailure', `AWS IoT had an internal error${requestId ? ` (request id ${requestId})` : ''}. Retry in a moment.`, { kind: 'retry' });
    case 'InvalidToken':
      return p('InvalidToken', 'The list changed while it was being read. Refresh it.', { kind: 'refresh' });
  }
  if (status === 429) return p('Throttled', 'AWS IoT is throttling requests. Wait a moment, then retry.', { kind: 'retry' });
  if (status !== undefined && status >= 500)
    return p('InternalFailure', `AWS IoT answered with an error (HTTP ${status})${requestId ? `, request id ${requestId}` : ''}. Retry in a moment.`, { kind: 'retry' });
  if (/Deserialization|Unexpected end of JSON|SyntaxError/i.test(`${name} ${message}`))
    return p('BadResponse', `${where} sent a response that could not be read. Retry; if it persists, check the endpoint.`, { kind: 'retry' });
  return p(name, `${ctx.operation} failed: ${firstLine(message)}`);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
