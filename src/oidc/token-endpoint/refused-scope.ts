/**
 * The one invalid_scope answer of the token endpoint (RFC 6749 §5.2), for the WeChat grant and
 * client_credentials alike. It never names the refused values: oidc-provider renders an InvalidScope's
 * `scope` into the response (lib/helpers/err_out.js), and a caller that pastes a secret into `scope`
 * must not get it echoed back into responses, proxies' logs or the audit trail (issue #15 finding 8;
 * test/reliability/token-endpoint-fuzz.test.ts leak-watch). The caller knows what it asked for.
 */
import { errors } from 'oidc-provider';

export const REFUSED_SCOPE_DESCRIPTION = 'requested scope is not allowed for this client';

export function refusedScopeError(): InstanceType<typeof errors.InvalidScope> {
  return new errors.InvalidScope(REFUSED_SCOPE_DESCRIPTION, undefined as unknown as string);
}
