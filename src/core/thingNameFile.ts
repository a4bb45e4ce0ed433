// "Thing names from a file…": a text file (one name a line) or a CSV file (the column picked by its
// header). Every name is checked against the thing-name rules of the API model; bad lines are listed
// with their line number and never sent; a name given twice counts once.
import { validateName } from './validation';

export interface BadLine {
  /** 1-based line (row) number in the file. */
  line: number;
  text: string;
  reason: string;
}

export interface ThingNameList {
  /** Valid names, each once, in the order of the file. */
  names: string[];
  bad: BadLine[];
  /** Names that appeared again after their first line (ignored). */
  duplicates: number;
}

/** Splits CSV text into rows of fields (RFC 4180: quoted fields, "" inside quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const s = stripBom(text);
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && s[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A file is read as CSV when its name ends in .csv, or its first line holds a comma. */
export function looksLikeCsv(fileName: string, text: string): boolean {
  if (/\.csv$/i.test(fileName)) return true;
  const first = stripBom(text).split(/\r?\n|\r/, 1)[0] ?? '';
  return first.includes(',');
}

/** The header of a CSV file: its first row, trimmed. */
export function csvHeader(text: string): string[] {
  return (parseCsv(text)[0] ?? []).map((h) => h.trim());
}

/** The header column most likely to hold thing names, if one is named so. */
export function guessNameColumn(header: readonly string[]): number | undefined {
  const i = header.findIndex((h) => /^(thing[ _-]?name|thing|name)$/i.test(h.trim()));
  return i >= 0 ? i : undefined;
}

class Collector {
  readonly names: string[] = [];
  readonly bad: BadLine[] = [];
  duplicates = 0;
  private readonly seen = new Set<string>();

  take(line: number, raw: string): void {
    const name = raw.trim();
    if (name === '') return; // blank lines and empty cells are not names
    const reason = validateName(name, 'Thing name');
    if (reason) {
      this.bad.push({ line, text: name, reason });
      return;
    }
    if (this.seen.has(name)) {
      this.duplicates++;
      return;
    }
    this.seen.add(name);
    this.names.push(name);
  }

  result(): ThingNameList {
    return { names: this.names, bad: this.bad, duplicates: this.duplicates };
  }
}

/** A text file: one name a line; blank lines are skipped. */
export function parseNameLines(text: string): ThingNameList {
  const c = new Collector();
  stripBom(text)
    .split(/\r\n|\n|\r/)
    .forEach((line, i) => c.take(i + 1, line));
  return c.result();
}

/** A CSV file: the names of column `column` (0-based) below the header row. */
export function parseNameColumn(text: string, column: number): ThingNameList {
  const c = new Collector();
  parseCsv(text).forEach((row, i) => {
    if (i === 0) return; // the header
    if (row.length === 1 && row[0].trim() === '') return; // a blank line
    const cell = row[column];
    if (cell === undefined) c.bad.push({ line: i + 1, text: row.join(','), reason: `Row has no column ${column + 1}.` });
    else c.take(i + 1, cell);
  });
  return c.result();
}

/** Why a file gave nothing to send, or undefined when it has at least one valid name. */
export function emptyListReason(list: ThingNameList, what = 'The file'): string | undefined {
  if (list.names.length > 0) return undefined;
  if (list.bad.length === 0) return `${what} holds no thing names.`;
  return `${what} holds no valid thing name: ${list.bad.length} line${list.bad.length === 1 ? '' : 's'} rejected (first, line ${list.bad[0].line}: ${list.bad[0].reason})`;
}
