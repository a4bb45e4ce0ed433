// Cost attribution: AWS attributes a thing's usage to its billing group when the device
// authenticates with an X.509 certificate attached to that thing AND either connects with the thing's
// name as MQTT client ID or the certificate is attached to the thing exclusively (EXCLUSIVE_THING).
// The API shows the attachments (ListThingPrincipalsV2 with their type; ListThingPrincipals without)
// and the certificates' status, not the client IDs devices use. Some charges are never attributed
// (unattributedCharges.ts).
//
// Sources: AWS IoT developer guide, "Billing groups" (tagging-iot-billing-groups.html: "If your
// client ID doesn't match the thing name, you can enable the exclusive thing attachment to establish
// the association") and "Associating an AWS IoT thing to an MQTT client connection"
// (exclusive-thing.html). An attachment made without a type is NON_EXCLUSIVE_THING (AttachThingPrincipal
// API reference), so a V2 answer that omits the type is read as non-exclusive.
import { UNATTRIBUTED_CHARGES, UNATTRIBUTED_CHARGES_SOURCE } from './unattributedCharges';

export const ATTRIBUTION_GUIDE_URL = 'https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot-billing-groups.html';
export const EXCLUSIVE_THING_GUIDE_URL = 'https://docs.aws.amazon.com/iot/latest/developerguide/exclusive-thing.html';

export type ThingPrincipalType = 'EXCLUSIVE_THING' | 'NON_EXCLUSIVE_THING';

/** One principal attached to a thing; `type` only when read with ListThingPrincipalsV2. */
export interface PrincipalAttachment {
  principal: string;
  type?: ThingPrincipalType;
}

/** Which operation the attachments were read with. */
export type PrincipalsRead = 'ListThingPrincipalsV2' | 'ListThingPrincipals';

/** arn:aws:iot:REGION:ACCOUNT:cert/ID — only certificates count (not Cognito identities, not policies). */
const CERT_ARN = /^arn:aws[a-z-]*:iot:[a-z0-9-]*:\d*:cert\/([0-9a-zA-Z]+)$/;

export function certificateIdOf(principal: string): string | undefined {
  return CERT_ARN.exec(principal)?.[1];
}

export interface ThingAttribution {
  thing: string;
  /** Certificate principals attached (other principals ignored). */
  certificates: number;
  /** Of those, how many are ACTIVE. */
  active: number;
  /** Of the ACTIVE ones, how many are attached EXCLUSIVE_THING (0 when the types are unknown). */
  activeExclusive: number;
  /** Principals that are not certificates (e.g. Cognito identities): they do not count. */
  otherPrincipals: number;
  /** Whether the attachment types were read (ListThingPrincipalsV2). */
  typesKnown: boolean;
}

/**
 * Judges one thing from its attachments and the certificates' statuses (certificateId → status).
 * `typesKnown`: the attachments came from ListThingPrincipalsV2 (a missing type is then the default,
 * NON_EXCLUSIVE_THING); otherwise exclusivity is unknown and counts as not exclusive.
 */
export function attributionOf(thing: string, attachments: readonly PrincipalAttachment[], statusOf: (certificateId: string) => string | undefined, typesKnown: boolean): ThingAttribution {
  let certificates = 0;
  let active = 0;
  let activeExclusive = 0;
  let otherPrincipals = 0;
  for (const a of attachments) {
    const id = certificateIdOf(a.principal);
    if (id === undefined) {
      otherPrincipals++;
      continue;
    }
    certificates++;
    if (statusOf(id) !== 'ACTIVE') continue;
    active++;
    if (typesKnown && a.type === 'EXCLUSIVE_THING') activeExclusive++;
  }
  return { thing, certificates, active, activeExclusive, otherPrincipals, typesKnown };
}

/**
 * anyClientId: an ACTIVE certificate attached exclusively — attributed whatever the client ID;
 * thingNameClientId: an ACTIVE certificate, attributed only if the device uses the thing name as client ID;
 * none: no ACTIVE certificate — never attributed.
 */
export type Verdict = 'anyClientId' | 'thingNameClientId' | 'none';

export function verdictOf(a: ThingAttribution): Verdict {
  if (a.active === 0) return 'none';
  return a.activeExclusive > 0 ? 'anyClientId' : 'thingNameClientId';
}

/** Whether the usage can be attributed at all (an ACTIVE certificate is attached). */
export function isAttributable(a: ThingAttribution): boolean {
  return verdictOf(a) !== 'none';
}

export interface GroupAttribution {
  group: string;
  /** Things of the group (ListThingsInBillingGroup). */
  things: number;
  /** Things checked (fewer when cancelled). */
  results: ThingAttribution[];
  /** Things whose check failed, with the reason. */
  failed: Array<{ thing: string; reason: string }>;
}

export const ATTRIBUTION_RULE = [
  "AWS's rule: the usage of a thing is attributed to its billing group only when the device",
  '  - authenticates with an X.509 certificate attached to that thing (an ACTIVE one:',
  '    an inactive or revoked certificate cannot connect), and',
  "  - connects over MQTT with the thing's name as its client ID, or with any client ID when the",
  '    certificate is attached to the thing exclusively (EXCLUSIVE_THING).',
  'Other principals (e.g. Amazon Cognito identities) do not make usage attributable.',
  'Usage that is not attributed appears as Unallocated in the costs.',
];

export const ATTRIBUTION_LIMITS = [
  'What this check cannot see: which MQTT client ID the devices connect with. That is not visible',
  'through the AWS IoT API, so a certificate attached non-exclusively is necessary for attribution,',
  'not sufficient.',
];

function principalsNote(read: PrincipalsRead): string[] {
  return read === 'ListThingPrincipalsV2'
    ? ['Attachments read with ListThingPrincipalsV2 (each with its type, EXCLUSIVE_THING or NON_EXCLUSIVE_THING).']
    : [
        'Attachments read with ListThingPrincipals: this endpoint does not offer ListThingPrincipalsV2, so exclusive attachments (EXCLUSIVE_THING) cannot be seen.',
        'Things counted below as needing the thing name as client ID may be attributed whatever their client ID.',
      ];
}

const n = (v: number) => v.toLocaleString('en-US');

/** The report document of one run (plain text: no name becomes markup). */
export function attributionReport(groups: readonly GroupAttribution[], o: { cancelled: boolean; show: (t: string) => string; principalsRead: PrincipalsRead }): string {
  const lines: string[] = ['Cost attribution check', ''];
  lines.push(...ATTRIBUTION_RULE, '', ...ATTRIBUTION_LIMITS, '', ...principalsNote(o.principalsRead), '');
  lines.push('Developer guide, "Billing groups":', `  ${ATTRIBUTION_GUIDE_URL}`, 'Exclusive attachments:', `  ${EXCLUSIVE_THING_GUIDE_URL}`, '');
  if (o.cancelled) lines.push('Cancelled: the counts below cover only the things checked before Cancel.', '');
  for (const g of groups) {
    const by = (v: Verdict) => g.results.filter((r) => verdictOf(r) === v);
    const missing = by('none');
    lines.push(`Billing group "${o.show(g.group)}"`);
    lines.push(`  Things: ${n(g.things)}`);
    if (g.results.length + g.failed.length < g.things) lines.push(`  Checked: ${n(g.results.length + g.failed.length)}`);
    lines.push(`  Attributable whatever the client ID (an ACTIVE certificate attached exclusively): ${n(by('anyClientId').length)}`);
    lines.push(`  Attributable only if the device connects with the thing name as its client ID: ${n(by('thingNameClientId').length)}`);
    lines.push(`  Not attributable (no ACTIVE certificate): ${n(missing.length)}`);
    if (g.failed.length) lines.push(`  Could not be checked: ${n(g.failed.length)}`);
    for (const r of missing) {
      const why = r.certificates === 0 ? (r.otherPrincipals ? 'no certificate (only other principals)' : 'no certificate attached') : `${r.certificates} certificate${r.certificates === 1 ? '' : 's'}, none ACTIVE`;
      lines.push(`    ${o.show(r.thing)} — ${why}`);
    }
    for (const f of g.failed) lines.push(`    ${o.show(f.thing)} — not checked: ${o.show(f.reason)}`);
    lines.push('');
  }
  lines.push('Charges never attributed to a billing group (always part of Unallocated, whatever the things):');
  for (const c of UNATTRIBUTED_CHARGES) lines.push(`  - ${c.charge}: ${c.why}`);
  lines.push(`  (${UNATTRIBUTED_CHARGES_SOURCE})`, '');
  return lines.join('\n');
}
