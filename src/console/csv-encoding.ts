/**
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet: every line ends in CRLF, a cell holding
 * `"`, `,`, CR or LF is quoted (its quotes doubled), and a cell a spreadsheet would run as a formula —
 * one beginning with `=`, `+`, `-`, `@`, a tab or a carriage return — is prefixed with `'` (OWASP, "CSV
 * Injection"). The file starts with a UTF-8 byte order mark, without which Excel in a zh-CN locale reads
 * UTF-8 as GBK and garbles every Chinese character.
 */

/** The UTF-8 byte order mark, written once at the start of the file. */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: guarded against formulas, then quoted when RFC 4180 requires it. */
export function csvCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One record with its CRLF line end. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
