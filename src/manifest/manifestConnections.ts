// The connections as the manifest feature sees them (issue 17): what is known of each without a call
// (for the editing warnings and the cost CodeLens), and what Plan, Apply and Export learned of each
// (its profile, region and account), kept per connection and forgotten when that connection changes.
import type { Session } from '../connection/session';
import type { ConnectionFacts } from '../core/manifestConnection';
import type { Deps } from '../shared/deps';

/** What a command learned of one connection (no call needed afterwards to show warnings or costs). */
export interface KnownConnection {
  generation: number;
  profile: string;
  account?: string;
  region: string;
}

export class KnownConnections {
  private readonly byId = new Map<string, KnownConnection>();

  /** What was learned of this connection, unless it changed since (another generation). */
  get(session: Session): KnownConnection | undefined {
    const k = this.byId.get(session.id);
    return k && k.generation === session.generation ? k : undefined;
  }

  /** Also tells the connection its account (the tree's description and the connection pickers show it). */
  learn(session: Session, k: KnownConnection): void {
    this.byId.set(session.id, k);
    session.learnAccount(k.account);
  }

  /** Forgets connections that are gone or changed. */
  prune(live: readonly Session[]): void {
    for (const [id, k] of this.byId) {
      const s = live.find((x) => x.id === id);
      if (!s || s.generation !== k.generation) this.byId.delete(id);
    }
  }
}

/** The region and account of a billing group ARN (arn:PARTITION:iot:REGION:ACCOUNT:billinggroup/NAME). */
function arnParts(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(':');
  return parts && parts.length >= 6 ? { region: parts[3] || undefined, account: parts[4] || undefined } : {};
}

/**
 * A connection as far as it is known without a call: its region from its entry (the first
 * connection's may be empty: the profile's then), else from a command, else from a loaded group's
 * ARN; its account from the connection (its groups' ARNs), else from a command.
 */
export function knownFacts(deps: Deps, known: KnownConnections, session: Session): ConnectionFacts {
  const k = known.get(session);
  const arn = arnParts(deps.provider.loadedGroups(session)[0]?.arn);
  const region = session.entry.region || k?.region || arn.region;
  const account = session.account ?? k?.account ?? arn.account;
  return { id: session.id, label: session.label, ...(region ? { region } : {}), ...(account ? { account } : {}) };
}
