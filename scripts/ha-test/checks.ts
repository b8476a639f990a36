/**
 * The invariants checked after the HA run's traffic: every instance publishes the same JWKS; every
 * token issued during the run verifies against it (fetched through the balancer, as a resource server
 * would); every unused refresh token refreshes exactly once — two concurrent uses through the balancer
 * give one 200 and one invalid_grant, and the reuse revokes the winner's new token too (ADR 0003).
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';
import { API, ISSUER } from './fixture.ts';
import type { HeldToken, TokenHaul } from './traffic.ts';

export interface TokenVerification { readonly verified: number; readonly failed: string[]; readonly jwksVariants: number; readonly kids: string[] }

export async function verifyTokens(baseUrl: string, haul: TokenHaul): Promise<TokenVerification> {
  const variants = new Set<string>();
  let jwks: JSONWebKeySet = { keys: [] };
  // Round robin: six reads see every instance twice.
  for (let i = 0; i < 6; i += 1) {
    jwks = (await (await fetch(`${baseUrl}/jwks`)).json()) as JSONWebKeySet;
    variants.add(JSON.stringify(jwks.keys.map((key) => key.kid).sort()));
  }
  const keySet = createLocalJWKSet(jwks);
  const failed: string[] = [];
  let verified = 0;
  const check = async (token: string, audience: string): Promise<void> => {
    try {
      await jwtVerify(token, keySet, { issuer: ISSUER, audience });
      verified += 1;
    } catch (error) {
      if (failed.length < 20) failed.push(`${audience}: ${error instanceof Error ? error.message : String(error)}`);
      else failed.push('…');
    }
  };
  for (const token of haul.accessTokens) await check(token, API);
  for (const { token, clientId } of haul.idTokens) await check(token, clientId);
  return { verified, failed, jwksVariants: variants.size, kids: jwks.keys.map((key) => key.kid ?? '?') };
}

interface Refreshed { readonly status: number; readonly error: unknown; readonly refreshToken: unknown; readonly waited: boolean }

/** One refresh through the balancer; a 429 (per-client limit, checked before the grant) is waited out and retried. */
async function refresh(baseUrl: string, held: HeldToken): Promise<Refreshed> {
  for (let waited = false; ; waited = true) {
    const response = await fetch(`${baseUrl}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: held.clientId, refresh_token: held.token }).toString(),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 429) return { status: response.status, error: body['error'], refreshToken: body['refresh_token'], waited };
    await sleep(Number(response.headers.get('retry-after') ?? '1') * 1000);
  }
}

export interface RefreshChecks {
  readonly exactlyOnce: number;
  readonly failures: string[];
  /** After the second use, the winner's new refresh token is refused too (the grant is revoked). */
  readonly grantRevoked: number;
  readonly revocationFailures: string[];
  /** Uncertain tokens (answer lost when an instance died): still unused, or spent (reuse revokes). */
  readonly uncertainUnused: number;
  readonly uncertainSpent: number;
}

export async function checkRefreshTokens(baseUrl: string, haul: TokenHaul, concurrency = 8): Promise<RefreshChecks> {
  const result = { exactlyOnce: 0, failures: [] as string[], grantRevoked: 0, revocationFailures: [] as string[], uncertainUnused: 0, uncertainSpent: 0 };
  const fail = (message: string, list = result.failures): void => { list.push(list.length < 20 ? message : '…'); };
  await inParallel(haul.liveRefreshTokens, concurrency, async (held) => {
    const pair = await Promise.all([refresh(baseUrl, held), refresh(baseUrl, held)]);
    const winner = pair.find((answer) => answer.status === 200);
    const loser = pair.find((answer) => answer !== winner);
    if (winner === undefined || loser?.status !== 400 || loser.error !== 'invalid_grant') {
      fail(`two uses of one refresh token answered ${pair.map((answer) => `${String(answer.status)} ${String(answer.error)}`).join(' and ')}`);
      return;
    }
    result.exactlyOnce += 1;
    // The second use revoked the grant: the winner's new refresh token is dead as well (ADR 0003).
    const after = await refresh(baseUrl, { token: String(winner.refreshToken), clientId: held.clientId });
    const raced = !pair.some((answer) => answer.waited);
    if (after.status === 400 && after.error === 'invalid_grant') result.grantRevoked += 1;
    else fail(`${raced ? 'concurrent' : 'sequential (one use waited out a 429)'} pair: the winner's new refresh token then answered ${String(after.status)} ${String(after.error)}`, result.revocationFailures);
  });
  await inParallel(haul.uncertainRefreshTokens, concurrency, async (held) => {
    const answer = await refresh(baseUrl, held);
    if (answer.status === 200) result.uncertainUnused += 1;
    else if (answer.status === 400 && answer.error === 'invalid_grant') result.uncertainSpent += 1;
    else fail(`an uncertain refresh token answered ${String(answer.status)} ${String(answer.error)}`);
  });
  return result;
}

export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
