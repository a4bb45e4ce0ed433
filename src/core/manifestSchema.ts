// The JSON Schema of billing-groups.json, generated from the API model's limits (limits.ts), for
// VS Code's JSON support (completion, hover, diagnostics). Its patterns are anchored and written for
// JavaScript regular expressions with the `u` flag, which is how VS Code's JSON language service
// compiles them (the model's own `[\p{Graph}\x20]*` is Java, not JavaScript).
//
// What a schema cannot say is left to the extension's diagnostics (manifest.ts): a thing in two
// groups, the account or region of the connection, and lengths counted in UTF-16 code units (the API
// counts those; JSON Schema's maxLength counts code points, so a string of astral characters can be
// within maxLength and still too long).
import { DESCRIPTION_CHAR, DESCRIPTION_MAX, NAME_MAX, NAME_PATTERN, RESERVED_TAG_PREFIX, TAG_KEY_CHAR, TAG_KEY_MAX, TAG_VALUE_MAX, TAGS_MAX } from './limits';
import { ACCOUNT_PATTERN, REGION_PATTERN } from './manifestNames';

/** The inside of a one-character pattern `^X$` (or `^(?:X)$`). */
function charClass(single: RegExp): string {
  const m = /^\^(.*)\$$/.exec(single.source);
  if (!m) throw new Error(`not an anchored one-character pattern: ${single.source}`);
  return m[1];
}

/** `^(?:X)*$` for a one-character pattern X. */
function repeated(single: RegExp, min: 0 | 1): string {
  return `^(?:${charClass(single)})${min ? '+' : '*'}$`;
}

/** "aws:" in any letter case, refused at the start of a tag key. */
function notPrefixed(prefix: string): string {
  const cased = [...prefix].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return `(?!${cased})`;
}

export const SCHEMA_PATTERNS = {
  name: NAME_PATTERN.source,
  description: repeated(DESCRIPTION_CHAR, 0),
  tagKey: `^${notPrefixed(RESERVED_TAG_PREFIX)}(?:${charClass(TAG_KEY_CHAR)})+$`,
  account: ACCOUNT_PATTERN.source,
  region: REGION_PATTERN.source,
} as const;

export function manifestSchema(): Record<string, unknown> {
  const name = (what: string) => ({
    type: 'string',
    minLength: 1,
    maxLength: NAME_MAX,
    pattern: SCHEMA_PATTERNS.name,
    patternErrorMessage: `${what} may contain only letters A–Z and a–z, digits, ":", "_" and "-".`,
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'AWS IoT billing groups manifest',
    description: "The billing groups of one AWS account and region. Plan shows what Apply would change; Apply makes the account match.",
    type: 'object',
    additionalProperties: false,
    required: ['groups'],
    properties: {
      $schema: { type: 'string' },
      account: {
        type: 'string',
        pattern: SCHEMA_PATTERNS.account,
        patternErrorMessage: 'An AWS account id: 12 digits.',
        description: 'The AWS account (12 digits). Plan and Apply refuse to run against another account.',
      },
      region: {
        type: 'string',
        pattern: SCHEMA_PATTERNS.region,
        patternErrorMessage: 'An AWS region id such as "eu-west-1".',
        description: 'The AWS region, e.g. "eu-west-1". Plan and Apply refuse to run against another region.',
      },
      prune: {
        type: 'boolean',
        default: false,
        description: 'true: groups of the account that this manifest does not name are deleted. Only with account and region.',
      },
      groups: {
        type: 'object',
        description: 'Billing groups by name.',
        propertyNames: name('A billing group name'),
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            description: {
              type: 'string',
              maxLength: DESCRIPTION_MAX,
              pattern: SCHEMA_PATTERNS.description,
              patternErrorMessage: 'Printable characters and spaces only: no line breaks, tabs or other control characters.',
              description: `The group's description (at most ${DESCRIPTION_MAX} characters). Absent: not managed.`,
            },
            tags: {
              type: 'object',
              maxProperties: TAGS_MAX,
              description: `The group's tags, exactly (at most ${TAGS_MAX}). Absent: not managed.`,
              propertyNames: {
                type: 'string',
                minLength: 1,
                maxLength: TAG_KEY_MAX,
                pattern: SCHEMA_PATTERNS.tagKey,
                patternErrorMessage: 'Letters, digits, spaces and _ . : / = + - @ only, not starting with "aws:".',
              },
              additionalProperties: { type: 'string', maxLength: TAG_VALUE_MAX, description: `A tag value (at most ${TAG_VALUE_MAX} characters).` },
            },
            things: {
              type: 'array',
              uniqueItems: true,
              description: "The group's things, exactly: listed things move here from other groups, others leave. Absent: not managed.",
              items: name('A thing name'),
            },
          },
        },
      },
    },
    if: { properties: { prune: { const: true } }, required: ['prune'] },
    then: { required: ['account', 'region'] },
  };
}

/** The schema file's text (what the build writes to dist/billing-groups.schema.json). */
export function manifestSchemaText(): string {
  return `${JSON.stringify(manifestSchema(), null, 2)}\n`;
}
