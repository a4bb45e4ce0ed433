// What a person types to pick things for a bulk assignment: thing type, attribute name and value,
// name prefix — the API model's rules, checked before anything is sent.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { validateAttributeName, validateAttributeValue, validateThingNamePrefix, validateThingTypeName } from '../../src/core/thingQuery';
import { anyChar } from './arbitraries';

describe('thing query input', () => {
  it('accepts what the API accepts', () => {
    assert.equal(validateThingTypeName('scanner:v2_a-b'), undefined);
    assert.equal(validateAttributeName('site.code,@/:#-_'), undefined);
    assert.equal(validateAttributeValue(''), undefined);
    assert.equal(validateAttributeValue('a=b[0]/c:#,@.-_'), undefined);
    assert.equal(validateThingNamePrefix('van-'), undefined);
  });

  it('refuses with a sentence what the API refuses', () => {
    assert.match(validateThingTypeName('') ?? '', /Thing type is required/);
    assert.match(validateThingTypeName('a b') ?? '', /U\+0020 is not allowed/);
    assert.match(validateAttributeName('') ?? '', /required/);
    assert.match(validateAttributeName('x'.repeat(129)) ?? '', /129 characters long; the limit is 128/);
    assert.match(validateAttributeName('a=b') ?? '', /only letters, digits/);
    assert.match(validateAttributeValue('x'.repeat(801)) ?? '', /801 characters long; the limit is 800/);
    assert.match(validateAttributeValue('with space') ?? '', /only letters, digits/);
    assert.match(validateThingNamePrefix('van/') ?? '', /Name prefix may contain only/);
  });

  it('property: an attribute value is accepted exactly when it matches the API pattern', () => {
    fc.assert(
      fc.property(fc.array(anyChar, { maxLength: 12 }).map((a) => a.join('')), (v) => {
        const ok = v.length <= 800 && /^[a-zA-Z0-9_.,@/:#=[\]-]*$/.test(v);
        assert.equal(validateAttributeValue(v) === undefined, ok, JSON.stringify(v));
      }),
    );
  });
});
