// What a person types to pick things for a bulk assignment: a thing type, an attribute name and
// value (ListThings filters on the service) or a name prefix (filtered here). The API model's rules.
import { validateName } from './validation';

const ATTRIBUTE_NAME_MAX = 128;
const ATTRIBUTE_NAME_PATTERN = /^[a-zA-Z0-9_.,@/:#-]+$/;
const ATTRIBUTE_VALUE_MAX = 800;
const ATTRIBUTE_VALUE_PATTERN = /^[a-zA-Z0-9_.,@/:#=[\]-]*$/;

export function validateThingTypeName(name: string): string | undefined {
  return validateName(name, 'Thing type');
}

export function validateAttributeName(name: string): string | undefined {
  if (name.length === 0) return 'Attribute name is required.';
  if (name.length > ATTRIBUTE_NAME_MAX) return `Attribute name is ${name.length} characters long; the limit is ${ATTRIBUTE_NAME_MAX}.`;
  if (!ATTRIBUTE_NAME_PATTERN.test(name)) return 'Attribute name may contain only letters, digits and _ . , @ / : # -.';
  return undefined;
}

export function validateAttributeValue(value: string): string | undefined {
  if (value.length > ATTRIBUTE_VALUE_MAX) return `Attribute value is ${value.length} characters long; the limit is ${ATTRIBUTE_VALUE_MAX}.`;
  if (!ATTRIBUTE_VALUE_PATTERN.test(value)) return 'Attribute value may contain only letters, digits and _ . , @ / : # = [ ] -.';
  return undefined;
}

/** A name prefix follows the thing-name characters (a prefix of a valid name is one). */
export function validateThingNamePrefix(prefix: string): string | undefined {
  return validateName(prefix, 'Name prefix');
}
