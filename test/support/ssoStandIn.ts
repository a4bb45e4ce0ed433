// A stand-in for the two IAM Identity Center endpoints the SDK calls for an sso-session profile:
// the portal's GetRoleCredentials and SSO OIDC's CreateToken (refresh_token grant). moto emulates
// neither, and the real ones need a real sign-in, so this is the one place the tests answer for AWS:
// only those two documented operations, and it refuses a bearer token it did not issue.
import * as http from 'node:http';
import { freePort } from './moto';

export interface SsoStandInRequest {
  method: string;
  path: string;
  bearer: string | undefined;
  body: unknown;
}

export interface SsoStandIn {
  endpoint: string;
  requests: SsoStandInRequest[];
  /** The role credentials GetRoleCredentials hands out. */
  readonly roleAccessKeyId: string;
  stop(): Promise<void>;
}

export async function startSsoStandIn(options: {
  /** Access tokens GetRoleCredentials accepts (the cache's, and any it issues). */
  validTokens: string[];
  /** What CreateToken hands out for `refreshToken`. */
  refresh?: { refreshToken: string; newAccessToken: string; newRefreshToken: string };
  roleAccessKeyId: string;
  roleSecretAccessKey: string;
  roleSessionToken: string;
}): Promise<SsoStandIn> {
  const requests: SsoStandInRequest[] = [];
  const valid = new Set(options.validTokens);
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        /* kept as text */
      }
      const bearer = req.headers['x-amz-sso_bearer_token'];
      const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
      requests.push({ method: req.method ?? '', path: req.url ?? '', bearer: typeof bearer === 'string' ? bearer : undefined, body });
      if (req.method === 'POST' && url.pathname === '/token') {
        const b = body as { grantType?: string; refreshToken?: string } | undefined;
        const r = options.refresh;
        if (!r || b?.grantType !== 'refresh_token' || b.refreshToken !== r.refreshToken) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' });
        }
        valid.add(r.newAccessToken);
        return json(res, 200, { accessToken: r.newAccessToken, expiresIn: 3600, refreshToken: r.newRefreshToken, tokenType: 'Bearer' });
      }
      if (req.method === 'GET' && url.pathname === '/federation/credentials') {
        if (typeof bearer !== 'string' || !valid.has(bearer)) {
          res.setHeader('x-amzn-errortype', 'UnauthorizedException');
          return json(res, 401, { message: 'Session token not found or invalid' });
        }
        return json(res, 200, {
          roleCredentials: {
            accessKeyId: options.roleAccessKeyId,
            secretAccessKey: options.roleSecretAccessKey,
            sessionToken: options.roleSessionToken,
            expiration: Date.now() + 3600e3,
          },
        });
      }
      return json(res, 404, { message: `not a stand-in route: ${req.method} ${url.pathname}` });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    roleAccessKeyId: options.roleAccessKeyId,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
