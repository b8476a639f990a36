// How token-protected endpoints judge `access_token` (wechat-api.md §6.3, §14 item 13): missing → 41001,
// unknown → 40001 (knob: 40014), expired → 42001, superseded beyond its grace period → 40001 `not latest`.
// Both app-token namespaces (cgi-bin/token and stable_token) are accepted; the token names the app.
import { errorReply, type EndpointReply } from './exchange-checks.ts';
import type { SimulatorState } from './simulator-state.ts';
import { APP_TOKEN_KINDS, type TokenRecord } from './token-table.ts';

export function requireAppToken(state: SimulatorState, params: URLSearchParams): TokenRecord | EndpointReply {
  const token = params.get('access_token');
  if (token === null || token === '') return errorReply(41001);
  const check = state.tokens.check(token, APP_TOKEN_KINDS, state.now());
  switch (check.status) {
    case 'valid':
      return check.record;
    case 'unknown':
      return errorReply(state.unknownTokenErrcode);
    case 'expired':
      return errorReply(42001);
    case 'superseded':
      return errorReply(40001);
  }
}

export type TokenInvalidation = 'revoked' | 'expired';

/**
 * Test control: makes the app's live app tokens (or just `token`) fail from now on, as WeChat does when it
 * invalidates tokens early (§6.1 "30–60 min" reports): `revoked` → 40001, `expired` → 42001. Returns the count.
 */
export function invalidateAppTokens(state: SimulatorState, input: { appId: string; token?: string; as?: TokenInvalidation }): number {
  const now = state.now();
  const targets = state.tokens.liveTokens(input.appId, APP_TOKEN_KINDS, now)
    .filter((record) => input.token === undefined || record.token === input.token);
  for (const record of targets) {
    if ((input.as ?? 'revoked') === 'revoked') record.invalidAfter = now - 1;
    else record.expiresAt = now - 1;
  }
  return targets.length;
}
