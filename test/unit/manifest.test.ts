// Parsing billing-groups.json: the model, and each problem on the exact range of the text it is about.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectionProblems, connectionRefusal, hasErrors, ownDiagnostics, parseManifest } from '../../src/core/manifest';
import { isManifestFileName } from '../../src/core/manifestNames';

/** The text each problem underlines, with its message. */
function underlined(text: string) {
  return parseManifest(text).problems.map((p) => ({ text: text.slice(p.offset, p.offset + p.length), message: p.message, bySchema: p.bySchema, severity: p.severity }));
}

describe('manifest parsing', () => {
  it('reads account, region, prune and groups in file order, keeping what is absent absent', () => {
    const p = parseManifest(`{
      "account": "123456789012", "region": "eu-west-1", "prune": true,
      "groups": {
        "zeta": { "description": "z", "tags": { "team": "a", "__proto__": "b" }, "things": ["t2", "t1"] },
        "__proto__": {},
        "alpha": { "tags": {} }
      }
    }`);
    assert.deepEqual(p.problems, []);
    assert.deepEqual(p.manifest, {
      account: '123456789012',
      region: 'eu-west-1',
      prune: true,
      groups: [
        { name: 'zeta', description: 'z', tags: [{ key: 'team', value: 'a' }, { key: '__proto__', value: 'b' }], things: ['t2', 't1'] },
        { name: '__proto__' },
        { name: 'alpha', tags: [] },
      ],
    });
    assert.equal(Object.prototype.hasOwnProperty.call({}, 'team'), false, 'no prototype was touched');
  });

  it('puts each problem on the key or value it is about', () => {
    const text = '{"groups": {"bad name": {"description": "line\\nbreak", "tags": {"aws:x": "v", "ok": 5}, "things": ["t 1", "t2", "t2"], "color": 1}}, "extra": 1}';
    assert.deepEqual(underlined(text), [
      { text: '"extra"', message: 'Unknown property "extra": a manifest has account, region, prune and groups.', bySchema: true, severity: 'error' },
      { text: '"bad name"', message: 'A billing group name may contain only letters A–Z and a–z, digits, ":", "_" and "-"; U+0020 is not allowed.', bySchema: true, severity: 'error' },
      { text: '"line\\nbreak"', message: 'Description may contain printable characters and spaces only; a line break (U+000A) is not allowed.', bySchema: true, severity: 'error' },
      { text: '"aws:x"', message: 'Tag key "aws:…" uses the prefix "aws:", which is reserved for AWS.', bySchema: true, severity: 'error' },
      { text: '5', message: 'A tag value is a string.', bySchema: true, severity: 'error' },
      { text: '"t 1"', message: 'A thing name may contain only letters A–Z and a–z, digits, ":", "_" and "-"; U+0020 is not allowed.', bySchema: true, severity: 'error' },
      { text: '"t2"', message: 'Thing "t2" is listed twice in this group.', bySchema: true, severity: 'error' },
      { text: '"color"', message: 'Unknown property "color": a billing group has description, tags and things.', bySchema: true, severity: 'error' },
    ]);
  });

  it('a thing listed in two groups is underlined in both, by the extension (no schema can say it)', () => {
    const text = '{"groups": {"a": {"things": ["t1", "t2"]}, "b": {"things": ["t3", "t1"]}}}';
    const problems = underlined(text);
    assert.equal(problems.length, 2);
    for (const p of problems) {
      assert.equal(p.text, '"t1"');
      assert.equal(p.bySchema, false);
      assert.equal(p.message, 'Thing "t1" is listed in 2 groups (a, b); a thing belongs to one billing group at most.');
    }
    const offsets = parseManifest(text).problems.map((p) => p.offset);
    assert.deepEqual(offsets, [text.indexOf('"t1"'), text.lastIndexOf('"t1"')]);
  });

  it('duplicate keys, syntax errors, wrong types, 51 tags and over-long UTF-16 lengths', () => {
    assert.deepEqual(underlined('{"groups": {"a": {}, "a": {}}}').map((p) => [p.text, p.message]), [['"a"', 'Billing group "a" appears more than once.']]);
    const broken = underlined('{"groups": {"a": {},}}');
    assert.equal(broken.length, 1);
    assert.deepEqual(broken[0], { text: '}', message: 'JSON syntax: property name expected.', bySchema: true, severity: 'error' });
    assert.deepEqual(underlined('[]').map((p) => p.message), ['A manifest is a JSON object with "groups"; this is an array.']);
    assert.deepEqual(underlined('{}').map((p) => p.message), ['The manifest has no "groups" object.']);
    assert.deepEqual(underlined('{"account": "12", "region": "Europe", "prune": "yes", "groups": {}}').map((p) => p.text), ['"12"', '"Europe"', '"yes"']);
    const many = `{"groups": {"a": {"tags": {${Array.from({ length: 51 }, (_, i) => `"k${i}": ""`).join(',')}}}}}`;
    assert.deepEqual(underlined(many).map((p) => [p.text, p.message]), [['"tags"', '51 tags given; a billing group takes at most 50.']]);
    // 2028 code points but 2029 UTF-16 units: only the extension can say it.
    const desc = `${'d'.repeat(2027)}𝐀`;
    const long = underlined(`{"groups": {"a": {"description": "${desc}"}}}`);
    assert.deepEqual(long.map((p) => [p.bySchema, p.message]), [[false, 'Description is 2029 characters long; the limit is 2028.']]);
    assert.equal(long[0].text, `"${desc}"`);
  });

  it('another account or region is a warning on the value while editing, and a refusal sentence for Plan and Apply', () => {
    const text = '{"account": "111111111111", "region": "us-east-1", "groups": {}}';
    const parsed = parseManifest(text);
    const warnings = connectionProblems(parsed, { account: '222222222222', region: 'eu-west-1' });
    assert.deepEqual(
      warnings.map((w) => [text.slice(w.offset, w.offset + w.length), w.severity]),
      [
        ['"111111111111"', 'warning'],
        ['"us-east-1"', 'warning'],
      ],
    );
    assert.equal(hasErrors(parsed), false);
    assert.equal(
      connectionRefusal(parsed.manifest, { account: '222222222222', region: 'us-east-1' }),
      'The manifest is for account 111111111111, but you are connected to account 222222222222. Connect with a profile of account 111111111111, or change the manifest\'s "account".',
    );
    assert.equal(
      connectionRefusal(parsed.manifest, { account: '111111111111', region: 'eu-west-1' }),
      'The manifest is for region us-east-1, but you are connected to region eu-west-1. Select region us-east-1, or change the manifest\'s "region".',
    );
    assert.equal(connectionRefusal(parsed.manifest, { account: '111111111111', region: 'us-east-1' }), undefined);
    assert.deepEqual(connectionProblems(parsed, { account: '111111111111', region: 'us-east-1' }), []);
  });

  it('with the connected account unknown, a manifest that names an account or prunes is refused; one that does neither is not', () => {
    const named = parseManifest('{"account": "111111111111", "region": "us-east-1", "groups": {}}').manifest;
    assert.equal(
      connectionRefusal(named, { account: undefined, region: 'us-east-1' }),
      'The manifest is for account 111111111111, but the account of the connection could not be found out (its billing groups\' ARNs and AWS STS did not say). Nothing is applied to an account that cannot be checked; remove "account" to act on the connected account anyway.',
    );
    const pruning = { prune: true, region: 'us-east-1', groups: [] };
    assert.match(connectionRefusal(pruning, { region: 'us-east-1' }) ?? '', /^prune deletes groups the manifest does not name, but the account of the connection could not be found out/);
    assert.equal(connectionRefusal(parseManifest('{"region": "us-east-1", "groups": {}}').manifest, { region: 'us-east-1' }), undefined);
  });

  it('a "$schema" key replaces the contributed schema in VS Code, so the extension then shows every problem itself', () => {
    const bad = '{"groups": {"bad name": {"tags": {"aws:x": "v"}}}}';
    const messages = (text: string) => ownDiagnostics(parseManifest(text)).map((p) => [text.slice(p.offset, p.offset + p.length), p.message]);
    assert.deepEqual(messages(bad), [], 'without $schema the contributed schema says these');
    const withSchema = '{"$schema": "https://example.com/other.json", "groups": {"bad name": {"tags": {"aws:x": "v"}}}}';
    assert.deepEqual(messages(withSchema), [
      ['"bad name"', 'A billing group name may contain only letters A–Z and a–z, digits, ":", "_" and "-"; U+0020 is not allowed.'],
      ['"aws:x"', 'Tag key "aws:…" uses the prefix "aws:", which is reserved for AWS.'],
    ]);
    // What only the extension can say is shown either way, once.
    const twice = '{"$schema": "x", "groups": {"a": {"things": ["t1"]}, "b": {"things": ["t1"]}}}';
    assert.equal(messages(twice).length, 2);
  });

  it('recognises manifest file names', () => {
    assert.equal(isManifestFileName('/w/billing-groups.json'), true);
    assert.equal(isManifestFileName('C:\\w\\prod.billing-groups.json'), true);
    assert.equal(isManifestFileName('/w/.billing-groups.json'), false);
    assert.equal(isManifestFileName('/w/my-billing-groups.json'), false);
    assert.equal(isManifestFileName('/w/billing-groups.jsonc'), false);
  });
});
