/**
 * The client id a request claims, read before oidc-provider authenticates it, the way the provider reads
 * it (lib/shared/client_auth.js): from HTTP Basic credentials (RFC 6749 §2.3.1, form-encoded inside the
 * base64) or the form's `client_id`. Used only to pick a rate-limit bucket (issue #15 finding 7b); the
 * provider still decides who the client is.
 */
import type { Context } from 'koa';
import { peekForm } from '../form-peek.ts';

export async function claimedClientId(ctx: Context): Promise<string | undefined> {
  const fromHeader = basicClientId(ctx.get('authorization'));
  if (fromHeader !== undefined) return fromHeader;
  const value = (await peekForm(ctx))?.['client_id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function basicClientId(header: string): string | undefined {
  const [scheme, credentials] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || credentials === undefined) return undefined;
  const basic = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = basic.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(basic.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined; // the provider refuses it 400 invalid_request; nothing to count
  }
}
