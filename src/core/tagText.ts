// The one-line tag syntax of the quick pick: `key=value, key2=value2`.
// Entries are split at commas and each at its first "="; a backslash escapes "," "=" or "\"
// so that keys holding "=" and values holding "," can still be typed. Whitespace around keys and
// values is trimmed, except whitespace written escaped ("\ "), so that keys and values that begin
// or end with a space survive a format and parse unchanged.
import type { Tag } from './types';

export interface ParsedTags {
  tags: Tag[];
  /** Set when the text itself cannot be read (a dangling backslash). */
  error?: string;
}

/** Whitespace as String.prototype.trim sees it. */
const SPACE = /\s/;

/** Text read so far for a key or a value, with the span of escaped characters (never trimmed). */
class Field {
  text = '';
  private firstEscaped = Infinity;
  private lastEscapedEnd = 0;

  add(ch: string, escaped: boolean): void {
    if (escaped) {
      this.firstEscaped = Math.min(this.firstEscaped, this.text.length);
      this.lastEscapedEnd = this.text.length + ch.length;
    }
    this.text += ch;
  }

  /** The text without unescaped whitespace at either end. */
  trimmed(): string {
    const t = this.text;
    let start = 0;
    while (start < t.length && start < this.firstEscaped && SPACE.test(t[start])) start++;
    let end = t.length;
    while (end > start && end > this.lastEscapedEnd && SPACE.test(t[end - 1])) end--;
    return t.slice(start, end);
  }
}

export function parseTagText(text: string): ParsedTags {
  const tags: Tag[] = [];
  let key = new Field();
  let value = new Field();
  let inValue = false;
  const flush = () => {
    const k = key.trimmed();
    const v = value.trimmed();
    if (k !== '' || inValue) tags.push({ key: k, value: v });
    key = new Field();
    value = new Field();
    inValue = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) return { tags, error: 'A backslash at the end escapes nothing; write "\\\\" for a backslash.' };
      i++;
      (inValue ? value : key).add(next, true);
    } else if (ch === ',') {
      flush();
    } else if (ch === '=' && !inValue) {
      inValue = true;
    } else {
      (inValue ? value : key).add(ch, false);
    }
  }
  flush();
  return { tags };
}

function escape(s: string, specials: RegExp): string {
  return s.replace(specials, (c) => `\\${c}`);
}

/** Escapes `specials` everywhere, and whitespace at either end (which parsing would trim). */
function escapeField(s: string, specials: RegExp): string {
  const lead = /^\s*/.exec(s)?.[0].length ?? 0;
  if (lead === s.length) return escape(s, /\s/g);
  const trail = /\s*$/.exec(s)?.[0].length ?? 0;
  return (
    escape(s.slice(0, lead), /\s/g) + escape(s.slice(lead, s.length - trail), specials) + escape(s.slice(s.length - trail), /\s/g)
  );
}

/** The inverse of parseTagText, for putting tags back into the input box. */
export function formatTagText(tags: readonly Tag[]): string {
  return tags.map((t) => `${escapeField(t.key, /[\\,=]/g)}=${escapeField(t.value, /[\\,]/g)}`).join(', ');
}
