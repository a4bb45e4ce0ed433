// Copy as CloudFormation / Copy as Terraform against what CloudFormation and Terraform accept:
// tag values of at least one character (AWS::IoT::BillingGroup Tag), reserved "aws:" keys, 500
// resources and 51,200 bytes inline / 1 MB from S3 per template (CloudFormation quotas), dynamic
// references and "${" (CloudFormation template reference), lone surrogates (which neither a UTF-8
// file nor libyaml nor hclsyntax can carry), and names that do not depend on the selection's order.
// Every output is parsed back: YAML with js-yaml (all documents), HCL with the reader in
// codeOracles.ts. The same outputs were also checked by hand with cfn-lint 1.51 and `terraform fmt`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { CLOUDFORMATION_QUOTAS, logicalIds, renderCloudFormation, type GroupForCode } from '../../src/core/cloudFormation';
import { copySummary, toWellFormed } from '../../src/core/codeCopy';
import { renderTerraform, resourceNames, terraformCopy } from '../../src/core/terraform';
import { NUM_RUNS, unicodeString } from './arbitraries';
import { assertPortableYaml, loadAllYaml, loadYaml, readTerraform } from './codeOracles';

type Resource = { Type: string; Properties: { BillingGroupName: string; BillingGroupProperties?: { BillingGroupDescription: string }; Tags?: { Key: string; Value: string }[] } };
type Template = { Resources: Record<string, Resource> };

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const commentLines = (text: string) => text.split('\n').filter((l) => /^\s*#/.test(l));
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The resources of every document of a CloudFormation copy, in document order. */
function resourcesOf(text: string): [string, Resource][][] {
  assertPortableYaml(text);
  return (loadAllYaml(text) as Template[]).map((doc) => Object.entries(doc.Resources));
}

/** What CloudFormation can be given for `groups`: name order, no empty or "aws:" tags, well-formed text. */
function cloudFormationModel(groups: readonly GroupForCode[]) {
  return [...groups]
    .sort((a, b) => byCodeUnits(a.name, b.name))
    .map((g) => {
      const tags = g.tags.filter((t) => t.value !== '' && !t.key.toLowerCase().startsWith('aws:'));
      return {
        BillingGroupName: g.name,
        ...(g.description ? { BillingGroupProperties: { BillingGroupDescription: toWellFormed(g.description) } } : {}),
        ...(tags.length ? { Tags: tags.map((t) => ({ Key: toWellFormed(t.key), Value: toWellFormed(t.value) })) } : {}),
      };
    });
}

const hostile = fc.oneof(
  unicodeString(40),
  fc
    .array(
      fc.constantFrom('${AWS::Region}', '${', '%{', '$${', '{{resolve:ssm:/p}}', '{{resolve:', '"', '\\', '\n', '\r', '\t', '# x', ': ', '- ', '\u2028', '\u2029', '\u0085', '\ufeff', '\u0000', '\u001b', '\ud800', '\udfff', '\ud83d\ude00', "'", '!Sub', '---', '...', ''),
      { maxLength: 10 },
    )
    .map((a) => a.join('')),
);
const groupName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,20}$/);
const tagKey = fc.oneof(hostile, fc.constantFrom('aws:cloudformation:stack-name', 'AWS:x', 'env'));
const tagValue = fc.oneof(hostile, fc.constant(''));
const hostileGroups = fc
  .uniqueArray(fc.tuple(groupName, hostile, fc.uniqueArray(fc.tuple(tagKey, tagValue), { selector: ([k]) => k, maxLength: 4 })), { selector: ([n]) => n, minLength: 1, maxLength: 6 })
  .map((rows): GroupForCode[] => rows.map(([name, description, tags]) => ({ name, description, tags: tags.map(([key, value]) => ({ key, value })) })));

function plainGroups(n: number, make: (i: number) => Partial<GroupForCode> = () => ({})): GroupForCode[] {
  return Array.from({ length: n }, (_, i) => ({ name: `group-${String(i).padStart(5, '0')}`, description: '', tags: [], ...make(i) }));
}

describe('Copy as CloudFormation: tags CloudFormation cannot take', () => {
  it('leaves out a tag with an empty value, with a comment naming it; the other tags stay', () => {
    const { text, notes } = renderCloudFormation([{ name: 'fleet', description: '', tags: [{ key: 'owner', value: '' }, { key: 'env', value: 'prod' }] }]);
    const [[[, r]]] = resourcesOf(text);
    assert.deepEqual(r.Properties.Tags, [{ Key: 'env', Value: 'prod' }]);
    assert.ok(
      commentLines(text).some((l) => /Tag "owner" left out: its value is empty, and CloudFormation needs a tag value of at least one character/.test(l)),
      text,
    );
    assert.equal(notes.emptyTagValues, 1);
  });

  it('writes no Tags key at all when every tag is left out (an empty or null Tags would be invalid)', () => {
    const { text } = renderCloudFormation([{ name: 'fleet', description: 'd', tags: [{ key: 'a', value: '' }, { key: 'aws:cloudformation:stack-name', value: 'st' }] }]);
    const [[[, r]]] = resourcesOf(text);
    assert.deepEqual(Object.keys(r.Properties).sort(), ['BillingGroupName', 'BillingGroupProperties']);
    assert.equal(commentLines(text).length, 2, text);
  });

  it('leaves out tags whose key starts with "aws:" (reserved for AWS), in CloudFormation and in Terraform', () => {
    const groups = [{ name: 'made-by-a-stack', description: '', tags: [{ key: 'aws:cloudformation:stack-name', value: 'fleet' }, { key: 'AWS:Other', value: 'x' }, { key: 'team', value: 'ops' }] }];
    const cfn = renderCloudFormation(groups);
    assert.deepEqual(resourcesOf(cfn.text)[0][0][1].Properties.Tags, [{ Key: 'team', Value: 'ops' }]);
    assert.ok(commentLines(cfn.text).some((l) => /Tag "aws:cloudformation:stack-name" left out: keys that start with "aws:" are reserved for AWS/.test(l)), cfn.text);
    assert.equal(cfn.notes.reservedTags, 2);
    const tf = terraformCopy(groups);
    assert.deepEqual(readTerraform(tf.text)[0].tags, [['team', 'ops']]);
    assert.ok(commentLines(tf.text).some((l) => /Tag "aws:cloudformation:stack-name" left out/.test(l)), tf.text);
    assert.equal(tf.notes.reservedTags, 2);
  });

  it('Terraform keeps a tag with an empty value (the IoT API and the provider accept it)', () => {
    const tf = terraformCopy([{ name: 'fleet', description: '', tags: [{ key: 'owner', value: '' }] }]);
    assert.deepEqual(readTerraform(tf.text), [{ type: 'aws_iot_billing_group', id: 'fleet', name: 'fleet', tags: [['owner', '']] }]);
    assert.equal(tf.notes.emptyTagValues, 0);
    assert.deepEqual(commentLines(tf.text), []);
  });
});

describe('Copy as CloudFormation: CloudFormation quotas', () => {
  it('500 groups are one template, without a part header (over 51,200 bytes even so: it says to deploy it from S3)', () => {
    const { text, notes } = renderCloudFormation(plainGroups(500));
    const docs = resourcesOf(text);
    assert.equal(docs.length, 1);
    assert.equal(docs[0].length, 500);
    assert.doesNotMatch(text, /Template 1 of|^---$/m);
    assert.ok(text.startsWith('# Over 51,200 bytes'));
    assert.equal(notes.templates, 1);
    assert.equal(notes.largeTemplates, 1);
    assert.ok(renderCloudFormation(plainGroups(100)).text.startsWith('Resources:\n'), 'a small template has no comment at all');
  });

  it('501 groups are two templates of 500 and 1, separated by "---", each saying which part it is', () => {
    const { text, notes } = renderCloudFormation(plainGroups(501));
    const docs = resourcesOf(text);
    assert.deepEqual(
      docs.map((d) => d.length),
      [500, 1],
    );
    assert.equal(notes.templates, 2);
    const parts = text.split(/^---$/m);
    assert.equal(parts.length, 2);
    assert.match(parts[0], /^# Template 1 of 2: billing groups 1–500 of 501 /);
    assert.match(parts[1], /^\n# Template 2 of 2: billing groups 501–501 of 501 /);
    for (const part of parts) assert.match(part, /CloudFormation takes at most 500 resources and 1 MB per template: save each template as its own file and deploy it as its own stack\./);
  });

  it('thousands of groups (a select-all): every template within 500 resources and 1 MB, all groups once, ids unique', () => {
    const groups = plainGroups(2345, (i) => ({ description: `Site ${i}`, tags: [{ key: 'costCenter', value: `cc-${i % 7}` }] }));
    const { text, notes } = renderCloudFormation([...groups].reverse());
    const docs = resourcesOf(text);
    assert.deepEqual(
      docs.map((d) => d.length),
      [500, 500, 500, 500, 345],
    );
    assert.equal(notes.templates, 5);
    const ids = docs.flat().map(([id]) => id);
    assert.equal(new Set(ids).size, groups.length);
    assert.deepEqual(
      docs.flat().map(([, r]) => r.Properties),
      cloudFormationModel(groups),
    );
  });

  it('splits by size too: no template over 1 MB; each one over 51,200 bytes says to deploy it from S3', () => {
    const big = (i: number): Partial<GroupForCode> => ({
      description: `${i} `.padEnd(2028, 'x'),
      tags: Array.from({ length: 50 }, (_, t) => ({ key: `k${t}-`.padEnd(128, 'k'), value: `v${i}`.padEnd(256, 'é') })),
    });
    const groups = plainGroups(120, big);
    const { text, notes } = renderCloudFormation(groups);
    const docs = text.split(/^---\n/m);
    assert.ok(docs.length >= 3, `${docs.length} templates`);
    assert.equal(notes.templates, docs.length);
    assert.equal(notes.largeTemplates, docs.length);
    for (const doc of docs) {
      assert.ok(utf8Bytes(doc) <= CLOUDFORMATION_QUOTAS.s3TemplateBytes, `${utf8Bytes(doc)} bytes`);
      assert.ok(utf8Bytes(doc) > CLOUDFORMATION_QUOTAS.inlineTemplateBytes);
      assert.match(doc, /# Over 51,200 bytes, the most CloudFormation takes inline \(TemplateBody\): upload it to S3 and deploy it by TemplateURL/);
    }
    assert.deepEqual(
      resourcesOf(text)
        .flat()
        .map(([, r]) => r.Properties),
      cloudFormationModel(groups),
    );

    const one = renderCloudFormation(plainGroups(3, big));
    assert.equal(one.notes.templates, 1);
    assert.equal(one.notes.largeTemplates, 1);
    assert.match(one.text, /^# Over 51,200 bytes/);
    assert.doesNotMatch(one.text, /Template 1 of/);

    const small = renderCloudFormation(plainGroups(1, big));
    assert.ok(utf8Bytes(small.text) <= CLOUDFORMATION_QUOTAS.inlineTemplateBytes);
    assert.equal(small.notes.largeTemplates, 0);
    assert.doesNotMatch(small.text, /51,200/);
  });

  it('any number and size of groups: every template within the quotas, the groups exactly once in name order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1100 }), fc.integer({ min: 0, max: 2028 }), fc.integer({ min: 0, max: 50 }), (n, descLength, tagCount) => {
        const groups = plainGroups(n, (i) => ({
          description: 'd'.repeat((descLength * (i % 3)) >> 1),
          tags: Array.from({ length: (tagCount * (i % 2)) >> 0 }, (_, t) => ({ key: `key-${t}`, value: 'v'.repeat(200) })),
        }));
        const { text, notes } = renderCloudFormation(groups);
        const docs = text.split(/^---\n/m);
        assert.equal(docs.length, notes.templates);
        let large = 0;
        for (const doc of docs) {
          assert.ok(utf8Bytes(doc) <= CLOUDFORMATION_QUOTAS.s3TemplateBytes);
          const isLarge = utf8Bytes(doc) > CLOUDFORMATION_QUOTAS.inlineTemplateBytes;
          large += isLarge ? 1 : 0;
          assert.equal(/# Over 51,200 bytes/.test(doc), isLarge);
        }
        assert.equal(notes.largeTemplates, large);
        const parsed = resourcesOf(text);
        for (const d of parsed) assert.ok(d.length <= CLOUDFORMATION_QUOTAS.resourcesPerTemplate);
        assert.deepEqual(
          parsed.flat().map(([, r]) => r.Properties.BillingGroupName),
          groups.map((g) => g.name),
        );
      }),
      { numRuns: 12 },
    );
  });
});

describe('Copy as CloudFormation: text CloudFormation would not keep as written', () => {
  it('flags a description holding "{{resolve:" as a dynamic reference CloudFormation resolves at deploy time', () => {
    const description = 'Password {{resolve:secretsmanager:db:SecretString:password}}';
    const { text, notes } = renderCloudFormation([{ name: 'fleet', description, tags: [{ key: 'note', value: '{{resolve:ssm:/fleet/owner}}' }] }]);
    assert.equal(resourcesOf(text)[0][0][1].Properties.BillingGroupProperties?.BillingGroupDescription, description);
    const comments = commentLines(text);
    assert.ok(comments.some((l) => /The description holds "\{\{resolve:", which CloudFormation reads as a dynamic reference: at deploy time it puts the value it resolves to there/.test(l)), text);
    assert.ok(comments.some((l) => /The value of tag "note" holds "\{\{resolve:"/.test(l)), text);
    assert.equal(notes.dynamicReferences, 2);
  });

  it('notes "${AWS::…}" precisely: kept as written, since CloudFormation substitutes ${…} only inside Fn::Sub', () => {
    const description = 'Fleet of ${AWS::AccountId} in ${AWS::Region}';
    const { text, notes } = renderCloudFormation([{ name: 'fleet', description, tags: [] }]);
    assert.equal(resourcesOf(text)[0][0][1].Properties.BillingGroupProperties?.BillingGroupDescription, description);
    assert.ok(
      commentLines(text).some((l) => /The description holds "\$\{", which CloudFormation keeps as written: it substitutes \$\{…\} only inside Fn::Sub, which this template does not use/.test(l)),
      text,
    );
    assert.equal(notes.dynamicReferences, 0);
  });

  it('says when a template holds more dynamic references than the 60 CloudFormation allows', () => {
    const groups = plainGroups(61, () => ({ description: 'x {{resolve:ssm:/p}}' }));
    const { text } = renderCloudFormation(groups);
    assert.match(text, /^# This template holds 61 "\{\{resolve:" dynamic references; CloudFormation allows 60 per template\./m);
    assert.doesNotMatch(renderCloudFormation(groups.slice(0, 60)).text, /allows 60/);
  });

  it('writes no comment for plain text', () => {
    const { text } = renderCloudFormation([{ name: 'fleet', description: 'Vans: Dublin # depot {resolve} $ {x}', tags: [{ key: 'env', value: 'prod' }] }]);
    assert.deepEqual(commentLines(text), []);
  });
});

describe('Copy as CloudFormation / Terraform: the order of selection does not matter', () => {
  it('the same groups in any order give the same logical ids, Terraform names and text (property)', () => {
    const colliding = fc.uniqueArray(fc.constantFrom('a-b', 'a_b', 'a:b', 'aB', 'AB', 'AB2', 'ab-2', 'x', '1st', '_1st', '-x', 'X'), { minLength: 1 });
    fc.assert(
      fc.property(
        colliding.chain((names) => fc.tuple(fc.constant(names), fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }))),
        ([names, shuffled]) => {
          assert.deepEqual([...logicalIds(names)].sort(), [...logicalIds(shuffled)].sort());
          assert.deepEqual([...resourceNames(names)].sort(), [...resourceNames(shuffled)].sort());
          const groups = (ns: string[]) => ns.map((name) => ({ name, description: `about ${name}`, tags: [{ key: 'k', value: name }] }));
          assert.equal(renderCloudFormation(groups(shuffled)).text, renderCloudFormation(groups(names)).text);
          assert.equal(renderTerraform(groups(shuffled)), renderTerraform(groups(names)));
        },
      ),
      { numRuns: Math.min(NUM_RUNS, 300) },
    );
  });

  it('a name keeps its id when the selection is reversed', () => {
    assert.equal(logicalIds(['a-b', 'a_b']).get('a-b'), logicalIds(['a_b', 'a-b']).get('a-b'));
    assert.equal(resourceNames(['a:b', 'a_b']).get('a:b'), resourceNames(['a_b', 'a:b']).get('a:b'));
  });
});

describe('Copy as CloudFormation / Terraform: lone surrogates', () => {
  // A lone surrogate cannot be encoded in UTF-8; libyaml and go-yaml reject "\uD800" in YAML, and
  // hclsyntax rejects it in HCL ("Cannot encode character U+d800 in UTF-8"). Both outputs write
  // U+FFFD instead and say so in a comment.
  const group: GroupForCode = { name: 'fleet', description: 'bad \ud800 here', tags: [{ key: 'k\udfff', value: 'v\udc00\ud83d\ude00' }] };

  it('CloudFormation writes U+FFFD and a comment, never "\\uD800"; the YAML reads back as the well-formed text', () => {
    const { text, notes } = renderCloudFormation([group]);
    assertPortableYaml(text);
    const r = (loadYaml(text) as Template).Resources.BillingGroupFleet;
    assert.equal(r.Properties.BillingGroupProperties?.BillingGroupDescription, 'bad \ufffd here');
    assert.deepEqual(r.Properties.Tags, [{ Key: 'k\ufffd', Value: 'v\ufffd\ud83d\ude00' }]);
    assert.ok(commentLines(text).some((l) => /The description held a lone surrogate \(U\+D800\), which UTF-8 cannot encode: written as U\+FFFD\./.test(l)), text);
    assert.equal(notes.loneSurrogates, 3);
  });

  it('Terraform writes U+FFFD and a comment, never "\\uD800" (which hclsyntax refuses)', () => {
    const { text, notes } = terraformCopy([group]);
    assert.doesNotMatch(text, /\\u[dD][89a-fA-F]/);
    assert.deepEqual(readTerraform(text), [{ type: 'aws_iot_billing_group', id: 'fleet', name: 'fleet', description: 'bad \ufffd here', tags: [['k\ufffd', 'v\ufffd\ud83d\ude00']] }]);
    assert.ok(commentLines(text).some((l) => /The description held a lone surrogate \(U\+D800\), which UTF-8 cannot encode: written as U\+FFFD\./.test(l)), text);
    assert.equal(notes.loneSurrogates, 3);
  });
});

describe('Copy as CloudFormation / Terraform: hostile names, descriptions and tags', () => {
  it('CloudFormation: every document parses back to the groups CloudFormation can take (property)', () => {
    fc.assert(
      fc.property(hostileGroups, (groups) => {
        const { text } = renderCloudFormation(groups);
        const resources = resourcesOf(text).flat();
        for (const [id, r] of resources) {
          assert.match(id, /^[A-Za-z][A-Za-z0-9]{0,254}$/);
          assert.equal(r.Type, 'AWS::IoT::BillingGroup');
        }
        assert.deepEqual(
          resources.map(([, r]) => r.Properties),
          cloudFormationModel(groups),
        );
      }),
      { numRuns: Math.min(NUM_RUNS, 500) },
    );
  });

  it('Terraform: the HCL parses back to the groups, empty values kept and "aws:" keys left out (property)', () => {
    fc.assert(
      fc.property(hostileGroups, (groups) => {
        const parsed = readTerraform(renderTerraform(groups));
        const expected = [...groups]
          .sort((a, b) => byCodeUnits(a.name, b.name))
          .map((g) => {
            const tags = g.tags.filter((t) => !t.key.toLowerCase().startsWith('aws:')).map((t): [string, string] => [toWellFormed(t.key), toWellFormed(t.value)]);
            return {
              type: 'aws_iot_billing_group',
              id: resourceNames(groups.map((x) => x.name)).get(g.name)!,
              name: g.name,
              ...(g.description ? { description: toWellFormed(g.description) } : {}),
              ...(tags.length ? { tags } : {}),
            };
          });
        assert.deepEqual(parsed, expected);
      }),
      { numRuns: Math.min(NUM_RUNS, 500) },
    );
  });
});

describe('Copy as CloudFormation / Terraform: what the notification adds', () => {
  const none = { templates: 1, largeTemplates: 0, emptyTagValues: 0, reservedTags: 0, dynamicReferences: 0, loneSurrogates: 0 };

  it('nothing when there is nothing to say', () => {
    assert.equal(copySummary('cloudFormation', none), '');
    assert.equal(copySummary('terraform', none), '');
  });

  it('the split, the size, what was left out, what CloudFormation would resolve, each in a sentence', () => {
    assert.equal(
      copySummary('cloudFormation', { templates: 3, largeTemplates: 2, emptyTagValues: 1, reservedTags: 2, dynamicReferences: 1, loneSurrogates: 1 }),
      [
        'They do not fit one template (CloudFormation takes at most 500 resources and 1 MB per template): the clipboard holds 3 templates separated by "---" lines; save each as its own file.',
        '2 of them are over 51,200 bytes: deploy those from S3.',
        'Left out: 1 tag with an empty value (CloudFormation needs at least one character) and 2 tags with a reserved "aws:" key.',
        '1 value holds "{{resolve:", which CloudFormation would resolve at deploy time.',
        '1 lone surrogate was written as U+FFFD.',
        'See the comments in the copy.',
      ].join(' '),
    );
    assert.equal(copySummary('cloudFormation', { ...none, largeTemplates: 1 }), 'The template is over 51,200 bytes, the most CloudFormation takes inline: deploy it from S3. See the comments in the copy.');
    assert.equal(copySummary('terraform', { ...none, reservedTags: 1 }), 'Left out: 1 tag with a reserved "aws:" key. See the comments in the copy.');
  });
});
