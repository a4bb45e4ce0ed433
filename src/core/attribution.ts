// Cost attribution: AWS attributes a thing's usage to its billing group only when the device
// connects with the thing's name as MQTT client ID and authenticates with a certificate attached to
// that thing. The API shows the second half only: which things have an ACTIVE certificate attached.

export const ATTRIBUTION_GUIDE_URL = 'https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot-billing-groups.html';

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
  /** Principals that are not certificates (e.g. Cognito identities): they do not count. */
  otherPrincipals: number;
}

/** Judges one thing from its principals and the certificates' statuses (certificateId → status). */
export function attributionOf(thing: string, principals: readonly string[], statusOf: (certificateId: string) => string | undefined): ThingAttribution {
  let certificates = 0;
  let active = 0;
  let otherPrincipals = 0;
  for (const p of principals) {
    const id = certificateIdOf(p);
    if (id === undefined) {
      otherPrincipals++;
      continue;
    }
    certificates++;
    if (statusOf(id) === 'ACTIVE') active++;
  }
  return { thing, certificates, active, otherPrincipals };
}

export function isAttributable(a: ThingAttribution): boolean {
  return a.active > 0;
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

export const ATTRIBUTION_LIMITS = [
  'What this check cannot see: whether the devices connect with the thing name as their',
  'MQTT client ID. That is not visible through the AWS IoT API, so an active certificate is',
  'necessary for attribution, not sufficient.',
];

export const ATTRIBUTION_RULE = [
  "AWS's rule: the usage of a thing is attributed to its billing group only when the device",
  "  - connects with the thing's name as its MQTT client ID, and",
  '  - authenticates with an X.509 certificate attached to that thing (an ACTIVE one:',
  '    an inactive or revoked certificate cannot connect).',
  'Other principals (e.g. Amazon Cognito identities) do not make usage attributable.',
  'Usage that is not attributed appears as unallocated in the costs.',
];

/** The report document of one run (plain text: no name becomes markup). */
export function attributionReport(groups: readonly GroupAttribution[], o: { cancelled: boolean; show: (t: string) => string }): string {
  const lines: string[] = ['Cost attribution check', ''];
  lines.push(...ATTRIBUTION_RULE, '', ...ATTRIBUTION_LIMITS, 'Developer guide, "Billing groups":', `  ${ATTRIBUTION_GUIDE_URL}`, '');
  if (o.cancelled) lines.push('Cancelled: the counts below cover only the things checked before Cancel.', '');
  for (const g of groups) {
    const missing = g.results.filter((r) => !isAttributable(r));
    lines.push(`Billing group "${o.show(g.group)}"`);
    lines.push(`  Things: ${g.things.toLocaleString('en-US')}`);
    if (g.results.length + g.failed.length < g.things) lines.push(`  Checked: ${(g.results.length + g.failed.length).toLocaleString('en-US')}`);
    lines.push(`  With an active certificate: ${(g.results.length - missing.length).toLocaleString('en-US')}`);
    lines.push(`  With no active certificate (usage not attributable): ${missing.length.toLocaleString('en-US')}`);
    if (g.failed.length) lines.push(`  Could not be checked: ${g.failed.length.toLocaleString('en-US')}`);
    for (const r of missing) {
      const why = r.certificates === 0 ? (r.otherPrincipals ? 'no certificate (only other principals)' : 'no certificate attached') : `${r.certificates} certificate${r.certificates === 1 ? '' : 's'}, none ACTIVE`;
      lines.push(`    ${o.show(r.thing)} — ${why}`);
    }
    for (const f of g.failed) lines.push(`    ${o.show(f.thing)} — not checked: ${o.show(f.reason)}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
