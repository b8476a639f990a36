// Keeps the simulated authorize pages' POST tidy (wechat-api.md §14 item 19): the form carries a ticket,
// an HMAC of exactly the authorization it answers with the simulator's own key and the time it was shown,
// so another origin cannot make up an approval (it cannot read the page) and an old page cannot be replayed
// after TICKET_TTL_MS. Stateless: nothing is stored per page view.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthorizeRequest } from './authorize-request.ts';

/** How long a shown page can still be answered (simulator clock); a real QR code lapses in minutes too. */
export const TICKET_TTL_MS = 600_000;

function mac(key: Buffer, request: AuthorizeRequest, issuedAt: number): string {
  const subject = [request.flavour, request.app.appId, request.redirectUri.href, request.scope, request.state, String(issuedAt)];
  return createHmac('sha256', key).update(JSON.stringify(subject)).digest('base64url');
}

export function issueTicket(key: Buffer, request: AuthorizeRequest, now: number): string {
  return `${String(now)}.${mac(key, request, now)}`;
}

export type TicketCheck = 'valid' | 'invalid' | 'expired';

export function checkTicket(key: Buffer, request: AuthorizeRequest, ticket: string, now: number): TicketCheck {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
  if (!match) return 'invalid';
  const issuedAt = Number(match[1]);
  const expected = Buffer.from(mac(key, request, issuedAt));
  const given = Buffer.from(match[2] ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return now - issuedAt > TICKET_TTL_MS || issuedAt > now ? 'expired' : 'valid';
}
