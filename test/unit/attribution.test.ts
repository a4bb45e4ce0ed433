// Cost attribution: an ACTIVE certificate attached to the thing is needed; attached exclusively
// (EXCLUSIVE_THING) it attributes the usage whatever the MQTT client ID, otherwise only when the
// device connects with the thing's name as client ID. Some charges are never attributed.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { attributionOf, attributionReport, ATTRIBUTION_GUIDE_URL, certificateIdOf, isAttributable, verdictOf, type PrincipalAttachment } from '../../src/core/attribution';
import { UNATTRIBUTED_CHARGES } from '../../src/core/unattributedCharges';

const CERT = 'arn:aws:iot:us-east-1:123456789012:cert/4f0ba725787aa94d67d2fca420eca022242532e8b3c58e7465c7778b443fd65e';
const CERT_ID = CERT.split('/')[1];
const COGNITO = 'us-east-1:4c8c7b3a-1111-2222-3333-444455556666';
const COGNITO_ARN = 'arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:abc';
const plain = (...principals: string[]): PrincipalAttachment[] => principals.map((principal) => ({ principal }));
const typed = (principal: string, type: PrincipalAttachment['type']): PrincipalAttachment => ({ principal, type });

describe('attribution', () => {
  it('recognises certificate ARNs only', () => {
    assert.equal(certificateIdOf(CERT), CERT_ID);
    assert.equal(certificateIdOf(COGNITO), undefined);
    assert.equal(certificateIdOf(COGNITO_ARN), undefined);
    assert.equal(certificateIdOf('arn:aws:iot:us-east-1:123456789012:policy/cert/x'), undefined);
  });

  it('a thing is attributable only with an ACTIVE certificate', () => {
    const status = new Map([[CERT_ID, 'ACTIVE']]);
    assert.equal(isAttributable(attributionOf('a', plain(CERT), (id) => status.get(id), false)), true);
    assert.equal(isAttributable(attributionOf('a', plain(COGNITO), (id) => status.get(id), false)), false);
    assert.equal(isAttributable(attributionOf('a', [], (id) => status.get(id), true)), false);
    const inactive = attributionOf('a', plain(CERT, COGNITO), () => 'INACTIVE', false);
    assert.deepEqual(inactive, { thing: 'a', certificates: 1, active: 0, activeExclusive: 0, otherPrincipals: 1, typesKnown: false });
  });

  it('an ACTIVE certificate attached EXCLUSIVE_THING attributes whatever the client ID; a non-exclusive one only with the thing name as client ID', () => {
    const active = () => 'ACTIVE';
    assert.equal(verdictOf(attributionOf('a', [typed(CERT, 'EXCLUSIVE_THING')], active, true)), 'anyClientId');
    assert.equal(verdictOf(attributionOf('a', [typed(CERT, 'NON_EXCLUSIVE_THING')], active, true)), 'thingNameClientId');
    assert.equal(verdictOf(attributionOf('a', [typed(CERT, 'EXCLUSIVE_THING')], () => 'REVOKED', true)), 'none', 'an exclusive but revoked certificate cannot connect');
    // Read with ListThingPrincipals (no types): exclusivity is unknown, so the client ID matters as far as we can tell.
    assert.equal(verdictOf(attributionOf('a', plain(CERT), active, false)), 'thingNameClientId');
    assert.equal(verdictOf(attributionOf('a', plain(COGNITO), active, true)), 'none');
  });

  it('property: none ⇔ no ACTIVE certificate; anyClientId ⇔ an ACTIVE certificate attached EXCLUSIVE_THING, types known', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('cert', 'cognito'), fc.constantFrom('ACTIVE', 'INACTIVE', 'REVOKED', undefined), fc.stringMatching(/^[0-9a-f]{4,8}$/), fc.constantFrom('EXCLUSIVE_THING', 'NON_EXCLUSIVE_THING', undefined)),
        ),
        fc.boolean(),
        (ps, typesKnown) => {
          const attachments = ps.map(([kind, , id, type]) => ({ principal: kind === 'cert' ? `arn:aws:iot:eu-west-1:123456789012:cert/${id}a` : `eu-west-1:${id}`, type: typesKnown ? type : undefined }));
          const status = new Map(ps.filter(([k]) => k === 'cert').map(([, s, id]) => [`${id}a`, s]));
          const a = attributionOf('t', attachments, (id) => status.get(id), typesKnown);
          const active = ps.filter(([k, , id]) => k === 'cert' && status.get(`${id}a`) === 'ACTIVE');
          const verdict = verdictOf(a);
          assert.equal(verdict === 'none', active.length === 0);
          assert.equal(verdict === 'anyClientId', typesKnown && active.some(([, , , type]) => type === 'EXCLUSIVE_THING'));
          assert.equal(isAttributable(a), active.length > 0);
          assert.equal(a.certificates + a.otherPrincipals, attachments.length);
        },
      ),
    );
  });

  it('the report says what it cannot see, how the attachments were read, and the charges never attributed', () => {
    const results = [
      attributionOf('a', [typed(CERT, 'NON_EXCLUSIVE_THING')], () => 'ACTIVE', true),
      attributionOf('b', [], () => undefined, true),
      attributionOf('c', [typed(CERT, 'NON_EXCLUSIVE_THING')], () => 'INACTIVE', true),
      attributionOf('d', [typed(CERT, 'EXCLUSIVE_THING')], () => 'ACTIVE', true),
    ];
    const text = attributionReport([{ group: 'fleet', things: 4, results, failed: [] }], { cancelled: false, show: (t) => t, principalsRead: 'ListThingPrincipalsV2' });
    assert.match(text, /MQTT client ID/);
    assert.match(text, /EXCLUSIVE_THING/);
    assert.ok(text.includes(ATTRIBUTION_GUIDE_URL));
    assert.match(text, /Attachments read with ListThingPrincipalsV2/);
    assert.match(
      text,
      /Billing group "fleet"\n {2}Things: 4\n {2}Attributable whatever the client ID \(an ACTIVE certificate attached exclusively\): 1\n {2}Attributable only if the device connects with the thing name as its client ID: 1\n {2}Not attributable \(no ACTIVE certificate\): 2\n/,
    );
    assert.match(text, / {4}b — no certificate attached\n {4}c — 1 certificate, none ACTIVE/);
    assert.match(text, /Charges never attributed to a billing group/);
    for (const c of UNATTRIBUTED_CHARGES) assert.ok(text.includes(c.charge), c.charge);
  });

  it('read with ListThingPrincipals (an endpoint without V2), the report says exclusive attachments could not be seen', () => {
    const text = attributionReport([{ group: 'g', things: 1, results: [attributionOf('a', plain(CERT), () => 'ACTIVE', false)], failed: [] }], {
      cancelled: false,
      show: (t) => t,
      principalsRead: 'ListThingPrincipals',
    });
    assert.match(text, /Attachments read with ListThingPrincipals: this endpoint does not offer ListThingPrincipalsV2, so exclusive attachments \(EXCLUSIVE_THING\) cannot be seen/);
    assert.match(text, /Attributable only if the device connects with the thing name as its client ID: 1/);
  });
});
