// "Thing names from a file…": text and CSV parsing, validation of each name, duplicates once.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { csvHeader, emptyListReason, guessNameColumn, looksLikeCsv, parseCsv, parseNameColumn, parseNameLines } from '../../src/core/thingNameFile';
import { anyChar } from './arbitraries';

const thingName = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,20}$/);

describe('parseNameLines', () => {
  it('one name a line; blank lines skipped; bad lines listed with their number; duplicates once', () => {
    const list = parseNameLines('\uFEFFvan-1\r\nvan-2\n\n  van-1  \nbad name\nvan/3\n' + 'x'.repeat(129) + '\nvan-4');
    assert.deepEqual(list.names, ['van-1', 'van-2', 'van-4']);
    assert.equal(list.duplicates, 1);
    assert.deepEqual(list.bad.map((b) => b.line), [5, 6, 7]);
    assert.match(list.bad[0].reason, /U\+0020 is not allowed/);
    assert.match(list.bad[2].reason, /129 characters long; the limit is 128/);
  });

  it('property: every name kept is valid, and every valid distinct line is kept', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(thingName, fc.string({ maxLength: 10 }), anyChar), { maxLength: 40 }), (lines) => {
        const text = lines.map((l) => l.replace(/[\r\n]/g, '')).join('\n');
        const list = parseNameLines(text);
        for (const n of list.names) assert.match(n, /^[a-zA-Z0-9:_-]{1,128}$/);
        assert.equal(new Set(list.names).size, list.names.length);
        const valid = new Set(text.split('\n').map((l) => l.trim()).filter((l) => /^[a-zA-Z0-9:_-]{1,128}$/.test(l)));
        assert.deepEqual(new Set(list.names), valid);
      }),
    );
  });
});

describe('CSV', () => {
  it('parses quotes, escaped quotes, commas in quotes and CRLF', () => {
    assert.deepEqual(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\n'), [
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
  });

  it('is chosen by the .csv name or a comma in the first line', () => {
    assert.equal(looksLikeCsv('names.csv', 'van-1\nvan-2'), true);
    assert.equal(looksLikeCsv('names.txt', 'name,type\nvan-1,x'), true);
    assert.equal(looksLikeCsv('names.txt', 'van-1\nvan-2'), false);
  });

  it('takes the column picked by its header, lists bad cells and short rows', () => {
    const text = 'serial,thingName,site\n1,van-1,dub\n2,"van 2",dub\n3\n4,van-1,x\n\n5,van-3,y\n';
    const header = csvHeader(text);
    assert.deepEqual(header, ['serial', 'thingName', 'site']);
    assert.equal(guessNameColumn(header), 1);
    const list = parseNameColumn(text, 1);
    assert.deepEqual(list.names, ['van-1', 'van-3']);
    assert.equal(list.duplicates, 1);
    assert.deepEqual(list.bad.map((b) => [b.line, b.text]), [
      [3, 'van 2'],
      [4, '3'],
    ]);
    assert.equal(guessNameColumn(['a', 'b']), undefined);
  });

  it('property: a column written as CSV (quoted or not) reads back as the same names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(thingName, { maxLength: 30 }), fc.boolean(), (names, quote) => {
        const rows = names.map((n, i) => `${i},${quote ? `"${n}"` : n},"x,y"`);
        const list = parseNameColumn(['id,name,other', ...rows].join('\r\n'), 1);
        assert.deepEqual(list.names, names);
        assert.equal(list.bad.length, 0);
      }),
    );
  });
});

describe('emptyListReason', () => {
  it('says why a file gives nothing to send', () => {
    assert.equal(emptyListReason(parseNameLines('van-1')), undefined);
    assert.equal(emptyListReason(parseNameLines('\n\n')), 'The file holds no thing names.');
    assert.match(emptyListReason(parseNameLines('a b\nc/d')) ?? '', /no valid thing name: 2 lines rejected \(first, line 1:/);
  });
});
