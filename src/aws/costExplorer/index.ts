// The lazily loaded Cost Explorer layer (bundled apart as dist/costs-aws.js): only costs load it,
// so neither activation nor the tree pays for this client.
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CallLogger } from '../billingGroupService';
import type { Connection } from '../connection';
import { CostExplorerService, type RequestCounter } from './costExplorerService';
import { costExplorerEndpoint } from './endpoint';

export { CostExplorerService, costAndUsageInput } from './costExplorerService';
export type { CostAllocationTagInfo, CostQuery, TagStatus, TagStatusError } from './costExplorerService';
export { costExplorerEndpoint, isAwsEndpoint } from './endpoint';

/** Each attempt is a billed request: fewer than the IoT client's. */
export const COST_EXPLORER_MAX_ATTEMPTS = 3;

/** What the IoT client signs with (its resolved, cached provider), passed across the bundle boundary. */
export type Credentials = NonNullable<ConstructorParameters<typeof CostExplorerClient>[0]>['credentials'];

export interface CostExplorerLayer {
  /** The service for a connection, on a cached client that signs with the given credentials. */
  service(conn: Connection, credentials: Credentials): CostExplorerService;
  /** Cost Explorer requests sent by this layer so far. */
  requestCount(): number;
  /** Forget cached clients (the AWS files or the connection changed). */
  invalidate(): void;
  dispose(): void;
}

export interface CostExplorerLayerOptions {
  log?: CallLogger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

export function createCostExplorerLayer(options: CostExplorerLayerOptions = {}): CostExplorerLayer {
  const clients = new Map<string, { client: CostExplorerClient; credentials: unknown }>();
  const counter: RequestCounter = { count: 0 };
  const log = options.log ?? (() => undefined);
  const clear = () => {
    for (const c of clients.values()) c.client.destroy();
    clients.clear();
  };
  return {
    service(conn, credentials) {
      let entry = clients.get(conn.key);
      if (!entry || entry.credentials !== credentials) {
        entry?.client.destroy();
        entry = {
          credentials,
          client: new CostExplorerClient({
            // Cost Explorer's endpoint is global per partition: the SDK picks it from any region of that partition.
            region: conn.region,
            endpoint: costExplorerEndpoint(conn.endpoint),
            credentials,
            maxAttempts: options.maxAttempts ?? COST_EXPLORER_MAX_ATTEMPTS,
            retryMode: 'standard',
            requestHandler: new NodeHttpHandler({
              connectionTimeout: options.connectionTimeoutMs ?? 5_000,
              requestTimeout: options.requestTimeoutMs ?? 30_000,
              throwOnRequestTimeout: true,
            }),
          }),
        };
        clients.set(conn.key, entry);
      }
      return new CostExplorerService(entry.client, conn, log, counter);
    },
    requestCount: () => counter.count,
    invalidate: clear,
    dispose: clear,
  };
}
