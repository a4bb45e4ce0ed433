// The webview form's message protocol (src/core/formProtocol.ts): the webview is untrusted input,
// so every message is checked field by field before the extension acts on it. Examples pin the
// rules; hostile payloads (wrong types, huge strings, prototype keys, unknown types, sparse arrays)
// are refused without throwing; a property test feeds arbitrary values and checks that nothing throws
// and that whatever is accepted has exactly the protocol's shape.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  CAPS,
  clampValues,
  emptyValues,
  fieldForProblem,
  firstProblem,
  parseFormMessage,
  parseFormState,
  parseFormValues,
  parseHostMessage,
  toInput,
  type FormMessage,
  type FormValues,
} from '../../src/core/formProtocol';
import { DESCRIPTION_MAX, NAME_MAX, TAGS_MAX } from '../../src/core/limits';

const good: FormValues = { name: 'fleet-east', description: 'Devices <b>east</b>', tags: [{ key: 'team', value: 'ops' }] };

function accepted(x: unknown): FormMessage {
  const r = parseFormMessage(x);
  assert.equal(r.ok, true, r.ok ? '' : r.reason);
  return (r as { ok: true; msg: FormMessage }).msg;
}

function refused(x: unknown, reason?: RegExp): string {
  const r = parseFormMessage(x);
  assert.equal(r.ok, false, `accepted ${JSON.stringify(x)?.slice(0, 200)}`);
  const why = (r as { ok: false; reason: string }).reason;
  assert.equal(typeof why, 'string');
  if (reason) assert.match(why, reason);
  return why;
}

/** Every key of an object graph, own ones only, to show nothing but the protocol's fields got through. */
function keysDeep(x: unknown, path = ''): string[] {
  if (typeof x !== 'object' || x === null) return [];
  const proto = Object.getPrototypeOf(x);
  assert.ok(proto === Object.prototype || proto === Array.prototype, `${path} has a foreign prototype`);
  return Reflect.ownKeys(x).flatMap((k) => {
    const key = String(k);
    if (Array.isArray(x) && (key === 'length' || /^\d+$/.test(key))) return keysDeep((x as unknown as Record<string, unknown>)[key], `${path}[${key}]`);
    return [`${path}.${key}`, ...keysDeep((x as Record<string, unknown>)[key], `${path}.${key}`)];
  });
}

describe('parseFormMessage: the messages a webview may send', () => {
  it('accepts each known message', () => {
    assert.deepEqual(accepted({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(accepted({ type: 'cancel' }), { type: 'cancel' });
    assert.deepEqual(accepted({ type: 'action' }), { type: 'action' });
    assert.deepEqual(accepted({ type: 'filled', token: 7 }), { type: 'filled', token: 7 });
    assert.deepEqual(accepted({ type: 'create', values: good }), { type: 'create', values: good });
  });

  it('accepts values that break the API rules: those are field errors, reported by the validators', () => {
    const values = { name: 'no spaces allowed', description: 'x'.repeat(DESCRIPTION_MAX + 1), tags: [{ key: 'aws:x', value: '' }] };
    assert.deepEqual(accepted({ type: 'create', values }), { type: 'create', values });
    assert.equal(firstProblem(values)?.field, 'name');
  });

  it('ignores extra fields and copies only the known ones into fresh objects', () => {
    const msg = accepted({ type: 'create', values: { ...good, extra: 1, tags: [{ key: 'k', value: 'v', evil: true }] }, command: 'workbench.action.quit' });
    assert.deepEqual(msg, { type: 'create', values: { name: 'fleet-east', description: 'Devices <b>east</b>', tags: [{ key: 'k', value: 'v' }] } });
    assert.deepEqual(keysDeep(msg).sort(), ['.type', '.values', '.values.description', '.values.name', '.values.tags', '.values.tags[0].key', '.values.tags[0].value'].sort());
    assert.deepEqual(accepted({ type: 'ready', values: good }), { type: 'ready' });
  });

  it('refuses what is not an object, and messages without a string type', () => {
    for (const x of [undefined, null, 0, 1, NaN, true, 'create', Symbol('x'), () => 1, [], [{ type: 'create' }], new Date(0)]) {
      // Date is an object: it is refused for having no type, not for its class.
      refused(x);
    }
    refused({}, /type is missing/);
    refused({ type: 1 }, /type is a number/);
    refused({ type: ['create'] }, /type is an array/);
    refused({ type: null }, /type is null/);
    refused({ type: { toString: () => 'create' } }, /type is a object/);
  });

  it('refuses unknown types, and a type that differs only in case or spacing', () => {
    for (const type of ['', 'Create', 'create ', 'delete', 'run', 'fill', 'busy', 'error', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])
      refused({ type }, /unknown message type/);
  });

  it('cuts an unknown type in its reason (a huge type does not flood the log)', () => {
    const why = refused({ type: 'x'.repeat(1_000_000) });
    assert.ok(why.length < 120, why);
  });

  it('refuses a create whose values have the wrong types', () => {
    refused({ type: 'create' }, /values is missing/);
    refused({ type: 'create', values: null }, /values is null/);
    refused({ type: 'create', values: [] }, /values is an array/);
    refused({ type: 'create', values: 'fleet' }, /values is a string/);
    refused({ type: 'create', values: { ...good, name: 5 } }, /values\.name is a number/);
    refused({ type: 'create', values: { ...good, name: ['a'] } }, /values\.name is an array/);
    refused({ type: 'create', values: { ...good, name: new String('a') } }, /values\.name is a object/);
    refused({ type: 'create', values: { ...good, description: undefined } }, /values\.description is missing/);
    refused({ type: 'create', values: { name: 'a', description: '' } }, /values\.tags is missing/);
    refused({ type: 'create', values: { ...good, tags: 'a=b' } }, /values\.tags is a string/);
    refused({ type: 'create', values: { ...good, tags: { 0: { key: 'a', value: 'b' }, length: 1 } } }, /values\.tags is a object/);
    refused({ type: 'create', values: { ...good, tags: [null] } }, /values\.tags\[0\] is null/);
    refused({ type: 'create', values: { ...good, tags: [['a', 'b']] } }, /values\.tags\[0\] is an array/);
    refused({ type: 'create', values: { ...good, tags: [{ key: 'a' }] } }, /values\.tags\[0\]\.value is missing/);
    refused({ type: 'create', values: { ...good, tags: [{ key: 'a', value: 'b' }, { key: 1, value: 'b' }] } }, /values\.tags\[1\]\.key is a number/);
  });

  it('refuses a sparse tags array (a hole is not a tag)', () => {
    const tags: unknown[] = [];
    tags[2] = { key: 'a', value: 'b' };
    refused({ type: 'create', values: { ...good, tags } }, /values\.tags\[0\] is missing/);
  });

  it('caps every string and the number of tags, at the cap exactly and one past it', () => {
    const at = (over: number) => ({
      name: { ...good, name: 'n'.repeat(CAPS.name + over) },
      description: { ...good, description: 'd'.repeat(CAPS.description + over) },
      key: { ...good, tags: [{ key: 'k'.repeat(CAPS.tagKey + over), value: '' }] },
      value: { ...good, tags: [{ key: 'k', value: 'v'.repeat(CAPS.tagValue + over) }] },
      count: { ...good, tags: Array.from({ length: CAPS.tags + over }, (_, i) => ({ key: `k${i}`, value: '' })) },
    });
    for (const values of Object.values(at(0))) accepted({ type: 'create', values });
    for (const [what, values] of Object.entries(at(1))) refused({ type: 'create', values }, what === 'count' ? /at most \d+ may be sent/ : /characters long; at most \d+ may be sent/);
  });

  it('keeps the caps above the API limits, so too much typing is a field message, not a dropped message', () => {
    assert.ok(CAPS.name > NAME_MAX && CAPS.description > DESCRIPTION_MAX && CAPS.tags > TAGS_MAX);
  });

  it('refuses huge payloads by their size, without looking at every tag', () => {
    refused({ type: 'create', values: { ...good, description: 'x'.repeat(50_000_000) } }, /description is 50000000 characters long/);
    // Counts the entries read: a check that walked the array first would read millions.
    let reads = 0;
    const tags = new Proxy(new Array(10_000_000), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const r = parseFormMessage({ type: 'create', values: { ...good, tags } }); // not refused(): its message would read them all
    assert.equal(r.ok, false);
    assert.match((r as { ok: false; reason: string }).reason, /tags has 10000000 entries/);
    assert.ok(reads <= 50, `read ${reads} entries of a 10,000,000-entry array`);
  });

  it('refuses a filled acknowledgement without a proper token', () => {
    for (const token of [undefined, null, -1, 1.5, NaN, Infinity, '1', 2 ** 60, [1]]) refused({ type: 'filled', token }, /token/);
  });

  describe('prototype pollution', () => {
    it('ignores a __proto__ key from JSON (an own property) and never reads inherited fields', () => {
      refused(JSON.parse('{"__proto__": {"type": "create", "values": {"name": "a", "description": "", "tags": []}}}'), /type is missing/);
      refused({ type: 'create', values: JSON.parse('{"__proto__": {"name": "a", "description": "", "tags": []}}') }, /values\.name is missing/);
      refused({ type: 'create', values: { ...good, tags: [JSON.parse('{"__proto__": {"key": "a", "value": "b"}}')] } }, /tags\[0\]\.key is missing/);
    });

    it('does not read fields inherited through a tampered prototype', () => {
      const inherited = Object.create({ type: 'cancel' }) as object;
      refused(inherited, /type is missing/);
      const values = Object.create({ name: 'a', description: '', tags: [] }) as object;
      refused({ type: 'create', values }, /values\.name is missing/);
    });

    it('leaves Object.prototype alone and gives back plain objects only', () => {
      const msg = accepted(JSON.parse('{"type": "create", "__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "values": {"name": "a", "description": "", "tags": [{"key": "k", "value": "v", "__proto__": {"polluted": 1}}], "__proto__": {"polluted": 1}}}'));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.deepEqual(msg, { type: 'create', values: { name: 'a', description: '', tags: [{ key: 'k', value: 'v' }] } });
      keysDeep(msg); // asserts plain prototypes throughout
      assert.equal(Object.getPrototypeOf((msg as { values: FormValues }).values.tags[0]), Object.prototype);
    });

    it('accepts "__proto__" and "constructor" as ordinary text in values (validation then refuses them where the API does)', () => {
      const values = { name: '__proto__', description: 'constructor', tags: [{ key: '__proto__', value: 'prototype' }] };
      assert.deepEqual(accepted({ type: 'create', values }), { type: 'create', values });
      assert.equal(firstProblem(values), undefined, 'all of these are valid API input');
    });
  });

  it('does not throw on getters that throw, or on proxies (anything thrown stays outside)', () => {
    const trap = new Proxy({}, { get: () => { throw new Error('boom'); }, getOwnPropertyDescriptor: () => { throw new Error('boom'); } });
    // A throwing proxy cannot come through postMessage (structured clone); the parser may throw on it, not misbehave.
    try {
      refused(trap);
    } catch (e) {
      assert.match(String(e), /boom/);
    }
  });

  it('never throws on arbitrary values, and what it accepts has exactly the protocol shape', () => {
    const values = fc.record({ name: fc.string(), description: fc.string(), tags: fc.array(fc.record({ key: fc.string(), value: fc.string() }), { maxLength: 5 }) });
    const candidate = fc.oneof(
      fc.anything({ withObjectString: true, withNullPrototype: true, withSparseArray: true }),
      fc.record({ type: fc.constantFrom('ready', 'cancel', 'action', 'filled', 'create', 'other'), token: fc.anything(), values: fc.oneof(values, fc.anything()) }, { requiredKeys: ['type'] }),
    );
    fc.assert(
      fc.property(candidate, (x) => {
        const r = parseFormMessage(x);
        if (!r.ok) return typeof r.reason === 'string' && r.reason.length > 0;
        const m = r.msg;
        keysDeep(m);
        switch (m.type) {
          case 'ready':
          case 'cancel':
          case 'action':
            return Object.keys(m).length === 1;
          case 'filled':
            return Object.keys(m).length === 2 && Number.isSafeInteger(m.token) && m.token >= 0;
          case 'create':
            return (
              typeof m.values.name === 'string' &&
              typeof m.values.description === 'string' &&
              m.values.tags.every((t) => Object.keys(t).sort().join() === 'key,value' && typeof t.key === 'string' && typeof t.value === 'string')
            );
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseHostMessage: what the webview takes from the extension', () => {
  it('accepts fill, busy and error', () => {
    assert.deepEqual(parseHostMessage({ type: 'fill', values: good, token: 1 }), { ok: true, msg: { type: 'fill', values: good, token: 1 } });
    assert.deepEqual(parseHostMessage({ type: 'busy', busy: true }), { ok: true, msg: { type: 'busy', busy: true } });
    assert.deepEqual(parseHostMessage({ type: 'error', field: 'tags', message: 'm', tagIndex: 2, actionTitle: 'Show Existing' }), {
      ok: true,
      msg: { type: 'error', field: 'tags', message: 'm', tagIndex: 2, actionTitle: 'Show Existing' },
    });
  });

  it('refuses malformed ones', () => {
    for (const x of [
      { type: 'busy', busy: 'yes' },
      { type: 'error', field: 'innerHTML', message: 'm' },
      { type: 'error', field: 'top', message: 1 },
      { type: 'error', field: 'top', message: 'x'.repeat(CAPS.message + 1) },
      { type: 'error', field: 'top', message: 'm', tagIndex: -1 },
      { type: 'error', field: 'top', message: 'm', actionTitle: 5 },
      { type: 'fill', values: good },
      { type: 'fill', token: 1 },
      { type: 'create', values: good },
      null,
    ])
      assert.equal(parseHostMessage(x).ok, false, JSON.stringify(x));
  });
});

describe('form state, values and problems', () => {
  it('reads the values of a saved state, and nothing from a bad one', () => {
    assert.deepEqual(parseFormState({ values: good, error: { type: 'error' } }), good);
    for (const x of [undefined, null, {}, { values: null }, { values: { ...good, tags: [1] } }, 'state']) assert.equal(parseFormState(x), undefined);
  });

  it('parseFormValues is the check used for create and state', () => {
    assert.deepEqual(parseFormValues(good), { ok: true, value: good });
    assert.equal(parseFormValues({ name: 'a' }).ok, false);
  });

  it('clamps values from elsewhere to the caps', () => {
    const big = { name: 'n'.repeat(CAPS.name * 2), description: 'd'.repeat(CAPS.description * 2), tags: Array.from({ length: CAPS.tags * 2 }, () => ({ key: 'k'.repeat(CAPS.tagKey * 2), value: 'v'.repeat(CAPS.tagValue * 2) })) };
    const c = clampValues(big);
    assert.equal(parseFormValues(c).ok, true);
    assert.equal(c.name.length, CAPS.name);
    assert.equal(c.tags.length, CAPS.tags);
    assert.deepEqual(clampValues(good), good);
  });

  it('toInput copies (the service never shares the form objects)', () => {
    const input = toInput(good);
    assert.deepEqual(input, good);
    assert.notEqual(input.tags[0], good.tags[0]);
    assert.deepEqual(emptyValues(), { name: '', description: '', tags: [] });
  });

  it('firstProblem names the field and tag row of the first rule broken', () => {
    assert.equal(firstProblem(good), undefined);
    assert.deepEqual(firstProblem({ ...good, name: '' }), { field: 'name', message: 'Name is required.' });
    assert.equal(firstProblem({ ...good, description: 'two\nlines' })?.field, 'description');
    assert.deepEqual(firstProblem({ ...good, tags: [{ key: 'a', value: '' }, { key: 'aws:x', value: '' }] })?.tagIndex, 1);
    const many = { ...good, tags: Array.from({ length: TAGS_MAX + 1 }, (_, i) => ({ key: `k${i}`, value: '' })) };
    assert.deepEqual(firstProblem(many), { field: 'tags', message: `${TAGS_MAX + 1} tags given; a billing group takes at most ${TAGS_MAX}.` });
  });
});

describe('fieldForProblem: where an error of the create is shown', () => {
  it('puts an existing group next to the name', () => {
    assert.deepEqual(fieldForProblem('ConfigurationConflict'), { field: 'name' });
    assert.deepEqual(fieldForProblem('ResourceAlreadyExists'), { field: 'name' });
  });

  it('puts invalid input next to the field the values break, else the field the message names', () => {
    assert.deepEqual(fieldForProblem('InvalidInput', 'x', { ...good, description: '\t' }), { field: 'description' });
    assert.deepEqual(fieldForProblem('InvalidInput', 'x', { ...good, tags: [{ key: 'ok', value: '' }, { key: '', value: '' }] }), { field: 'tags', tagIndex: 1 });
    assert.deepEqual(fieldForProblem('InvalidRequest', 'AWS IoT rejected the request: 1 validation error detected: Value at tags.1.member.key failed', good), { field: 'tags' });
    assert.deepEqual(fieldForProblem('InvalidRequest', 'AWS IoT rejected the request: the description is too long', good), { field: 'description' });
    assert.deepEqual(fieldForProblem('InvalidInput', 'Name is required.'), { field: 'name' });
    assert.deepEqual(fieldForProblem('InvalidRequest', 'something else', good), { field: 'top' });
  });

  it('puts everything else at the top', () => {
    for (const code of ['NoCredentials', 'AccessDenied', 'Throttled', 'EndpointUnreachable', 'InternalFailure', 'SsoSessionExpired', '', '__proto__'])
      assert.deepEqual(fieldForProblem(code, 'Name of the profile'), { field: 'top' });
  });
});
