/**
 * Issue #15 finding 5: bearer tokens in oidc_payloads are stored under the SHA-256 (base64url) of their
 * value, and their payload no longer carries the value as `jti` (src/oidc/storage/stored-token-id.ts,
 * docs/decisions/0024). This converts the rows the previous release wrote, so nobody is signed out by
 * the upgrade: a row is in the old form when its id equals its payload's jti, which no new row does
 * (the new code drops jti), so a row already hashed is never hashed twice.
 * The model list is this migration's own copy: it converts what the release that introduced it hashes.
 * Data only, no schema change. One UPDATE inside the migration's transaction: it locks the token rows
 * it rewrites (a refresh or revocation of one of them waits for the commit); on a large table run it in
 * a quiet moment. An instance of the previous release still running after it no longer finds the
 * converted tokens, so stop old instances before migrating. Forward-only: a hash can't be undone.
 */
import { Migration } from '@mikro-orm/migrations';

const HASHED_MODELS = [
  'AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials', 'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest', 'RegistrationAccessToken', 'InitialAccessToken', 'PreAuthorizedCode',
];

export class Migration20261130034700_hashed_token_ids extends Migration {
  override name = 'Migration20261130034700_hashed_token_ids';

  override up(): void {
    const models = HASHED_MODELS.map((model) => `'${model}'`).join(', ');
    // PostgreSQL's base64 is the standard alphabet with padding; Node's base64url is '-', '_' and unpadded.
    // A 32-byte digest is 44 characters, below the 76 at which encode() breaks lines.
    this.addSql(`
      update "oidc_payloads"
      set "id" = translate(rtrim(encode(sha256(convert_to("id", 'UTF8')), 'base64'), '='), '+/', '-_'),
          "payload" = "payload" - 'jti'
      where "model" in (${models}) and "payload"->>'jti' = "id";`);
  }
}
