/**
 * What a copy of oidc_payloads (a dump, a backup) reveals about a token (issue #15 finding 5):
 * every row, every column as text, searched for pieces of the token.
 */
import type { TestApp } from './test-app.ts';
import { queryDatabase } from './wechat-fixtures.ts';

/** Every row of oidc_payloads, every column as text, as `pg_dump` or a backup would hold it. */
export async function dumpPayloads(app: TestApp): Promise<string> {
  const rows = await queryDatabase<{ row: string }>(app, 'select row_to_json(p)::text as row from oidc_payloads p');
  return rows.map((r) => r.row).join('\n');
}

/** Pieces of `token` long enough to narrow a guess (12 base64url characters = 72 bits) found in `dump`. */
export function piecesIn(dump: string, token: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start + 12 <= token.length; start += 1) {
    const piece = token.slice(start, start + 12);
    if (dump.includes(piece)) pieces.push(piece);
  }
  return pieces;
}
