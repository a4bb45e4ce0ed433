// Charges AWS IoT never attributes to a billing group, whatever the things and their certificates:
// they are always part of "Unallocated" (usage without the cost-allocation tag). Pure data, shown by
// the cost-attribution report (src/core/attribution.ts) and by the costs feature.
//
// Source: AWS IoT developer guide, "Billing groups"
// (https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot-billing-groups.html):
// "Cost and usage data based on tags (and reported for a billing group) doesn't reflect the following
// activities" (registry operations, thing group index updates, index search queries, device
// provisioning, Device Defender audit reports); and its list of the pricing dimensions that ARE
// attributed, which limits messaging to MQTT and excludes rules triggered by MQTT lifecycle events.

export interface UnattributedCharge {
  /** The charge, as a person finds it on the bill. */
  readonly charge: string;
  /** Why it never reaches a billing group. */
  readonly why: string;
}

/** The developer guide page the list follows. */
export const UNATTRIBUTED_CHARGES_SOURCE = 'https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot-billing-groups.html';

const charge = (c: string, why: string): UnattributedCharge => Object.freeze({ charge: c, why });

export const UNATTRIBUTED_CHARGES: readonly UnattributedCharge[] = Object.freeze([
  charge('Device registry operations (creating and updating things, thing groups and thing types)', 'registry operations are not activity of a thing in a billing group'),
  charge('Thing group index updates (when a thing group is added)', 'fleet indexing of thing groups is not attributed to things'),
  charge('Index search queries (fleet indexing)', 'queries are made by the account, not by a thing'),
  charge('Device provisioning (fleet provisioning, just-in-time and bulk registration)', 'provisioning happens before a thing is in a billing group'),
  charge('Device Defender audit reports', 'audits check the account; only Device Defender Detect reports are attributed to things'),
  charge('Messaging not over MQTT (e.g. HTTPS publishes)', 'the messaging dimension of billing groups counts MQTT messages only'),
  charge('Rules triggered by MQTT lifecycle events (connect, disconnect, subscribe)', 'only rules triggered by a thing\'s inbound message are attributed'),
]);
