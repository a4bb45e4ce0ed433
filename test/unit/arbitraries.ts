// fast-check arbitraries biased toward the edges of the API model's limits: lengths 0, 1, max and
// max+1 (in UTF-16 code units, as Java and AWS count), strings from an allowed alphabet with one
// foreign character inserted, and characters that have broken validators before (controls,
// right-to-left marks, line separators, no-break spaces, lone surrogates, astral code points).
import * as fc from 'fast-check';

/** Characters worth trying anywhere: each is valid in some field and invalid in another. */
export const TRICKY_CHARS: readonly string[] = [
  '\u0000', '\u0001', '\t', '\n', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f',
  ' ', '\u00a0', '\u1680', '\u2000', '\u2007', '\u200a', '\u202f', '\u205f', '\u3000',
  '\u2028', '\u2029',
  '\u00ad', '\u034f', '\u061c', '\u180e', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff',
  '\ud800', '\udbff', '\udc00', '\udfff',
  '\u0378', '\u0380', '\ufdd0', '\ufffe', '\uffff', '\u{10ffff}', '\u{e0080}',
  '\ue000', '\uf8ff', '\u{f0000}', '\ufffd',
  '\u{1f600}', '\u{1f468}\u200d\u{1f469}', '\u{1d400}', '\u{20000}', '\u{e0001}', '\u{e0041}',
  'e\u0301', '\u0301', '\u093f',
  '\u00e9', '\u00df', '\u0130', '\u017f', '\u212a', '\u4e2d', '\u0627', '\u05d0',
  '\u0663', '\u216b', '\u00bd', '\u2460',
  'a', 'A', 'z', 'Z', '0', '9', ':', '_', '-', '.', '/', '=', '+', '@', ',', '\\', '"', "'", '<', '>', '&',
  '#', '$', '%', '*', '!', '?', '`', '~', '|', '^', '(', ')', '[', ']', '{', '}', ';',
];

/** A single lone (unpaired) surrogate code unit. */
export const loneSurrogate: fc.Arbitrary<string> = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((cu) => String.fromCharCode(cu));

/** Controls C0, DEL and C1. */
export const controlChar: fc.Arbitrary<string> = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((cp) => String.fromCodePoint(cp));

/** Any one "character": tricky ones, controls, any code point, lone surrogates, graphemes, ASCII. */
export const anyChar: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...TRICKY_CHARS), weight: 4 },
  { arbitrary: controlChar, weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: loneSurrogate, weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), weight: 2 },
);

/** Lengths that matter for a limit: 0, 1, max-1, max, max+1 and then anything up to a little past max. */
export function edgeLength(max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(0, 1, 2, max - 1, max, max + 1, max + 2), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: max + 8 }), weight: 1 },
  );
}

const isHigh = (cu: number) => cu >= 0xd800 && cu <= 0xdbff;
const isLow = (cu: number) => cu >= 0xdc00 && cu <= 0xdfff;

/** Cuts `s` to at most `n` code units without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  if (n > 0 && isHigh(s.charCodeAt(n - 1)) && isLow(s.charCodeAt(n))) return s.slice(0, n - 1);
  return s.slice(0, n);
}

/**
 * Strings of exactly `length` UTF-16 code units: random units of `unit` at both ends, `filler`
 * (one code unit, from the same alphabet) in between. Pairs are never split.
 */
export function stringOfLength(unit: fc.Arbitrary<string>, length: fc.Arbitrary<number>, filler: string): fc.Arbitrary<string> {
  if (filler.length !== 1) throw new Error('filler must be one code unit');
  return length.chain((n) =>
    fc
      .tuple(fc.array(unit, { maxLength: 12 }), fc.array(unit, { maxLength: 12 }))
      .map(([head, tail]) => {
        const h = cut(head.join(''), n);
        const t = cut(tail.join(''), n - h.length);
        return h + filler.repeat(n - h.length - t.length) + t;
      }),
  );
}

/** Inserts `ch` into `s` at a position derived from `at`, never between the halves of a pair. */
export function insertAt(s: string, ch: string, at: number): string {
  let p = at % (s.length + 1);
  if (p > 0 && p < s.length && isHigh(s.charCodeAt(p - 1)) && isLow(s.charCodeAt(p))) p--;
  return s.slice(0, p) + ch + s.slice(p);
}

/** `base` strings with one character of `bad` inserted somewhere. */
export function withOneInserted(base: fc.Arbitrary<string>, bad: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(base, bad, fc.nat()).map(([s, ch, at]) => insertAt(s, ch, at));
}

/** `base` strings with the code point at one position replaced by one of `bad`. */
export function withOneReplaced(base: fc.Arbitrary<string>, bad: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(base, bad, fc.nat()).map(([s, ch, at]) => {
    const cps = Array.from(s);
    if (cps.length === 0) return ch;
    cps[at % cps.length] = ch;
    return cps.join('');
  });
}

/** Full-Unicode strings: any code point, plus lone surrogates and tricky characters. */
export function unicodeString(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: anyChar, maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
  );
}

/** U+XXXX of the first code point of `ch` (a lone surrogate gives its own value). */
export function uPlus(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Code points of `s` as strings, lone surrogates included (what `for…of` yields). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Run count for the property tests (FC_NUM_RUNS overrides). */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1000);
