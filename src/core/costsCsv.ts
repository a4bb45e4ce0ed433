// The costs as CSV (RFC 4180) after a UTF-8 byte order mark: one record per row and month. Amounts are plain numbers (negative for
// credits); a text cell that a spreadsheet would run as a formula is made inert with a leading "'".
import type { CostRow, CostTable } from './costs';

export const CSV_HEADER = ['group', 'tag value', 'month', 'amount', 'currency', 'estimated'] as const;
/**
 * Added after the others when the figures cover several connections (issue 17): after, so that a
 * script reading the columns by position reads one connection's file as before; only then, so that
 * one connection's file is unchanged. The region is empty where Cost Explorer did not say it.
 */
export const CSV_PLACE_HEADER = ['account', 'region'] as const;

/** First characters that make a spreadsheet read a cell as a formula (or that it strips before doing so). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes a text cell inert for spreadsheets: one "'" before a cell that starts a formula, and before a
 * cell that starts with "'" itself, so that uninertCell gives back exactly the text.
 */
export function inertCell(text: string): string {
  return FORMULA_START.test(text) || text.startsWith("'") ? `'${text}` : text;
}

export function uninertCell(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/** A field quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A plain decimal number (never exponent notation), at most 10 decimals, trailing zeros dropped. */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  // toFixed writes exponents from 1e21 up; such a number has no fraction worth keeping.
  let s = Math.abs(n) >= 1e21 ? BigInt(Math.abs(n)).toString() : Math.abs(n).toFixed(10).replace(/\.?0+$/, '');
  if (s === '') s = '0';
  return s !== '0' && n < 0 ? `-${s}` : s;
}

/** The group column: the group's name, several joined with "; " for a shared value, empty otherwise. */
function groupCell(row: CostRow): string {
  return row.kind === 'group' || row.kind === 'shared' ? (row.groupLabels ?? row.groups).join('; ') : '';
}

/** U+FEFF: spreadsheets (Excel above all) read a file starting with it as UTF-8, so group names keep their characters. */
export const UTF8_BOM = '\uFEFF';

export function costsCsv(table: CostTable): string {
  const places = (table.connections?.length ?? 0) > 1;
  const lines = [[...CSV_HEADER, ...(places ? CSV_PLACE_HEADER : [])].join(',')];
  for (const row of table.rows)
    table.months.forEach((month, i) => {
      lines.push(
        [
          inertCell(groupCell(row)),
          inertCell(row.value),
          month,
          plainNumber(row.amounts[i]),
          inertCell(table.currency),
          table.estimated[i] ? 'true' : 'false',
          ...(places ? [inertCell(row.account ?? ''), inertCell(row.region ?? '')] : []),
        ]
          .map(csvField)
          .join(','),
      );
    });
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}

/** Parses RFC 4180 text into records of fields (the inverse of the writer; used to check it). */
export function parseCsv(input: string): string[][] {
  const text = input.startsWith(UTF8_BOM) ? input.slice(1) : input;
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStarted = false;
      i += 2;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (fieldStarted || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
