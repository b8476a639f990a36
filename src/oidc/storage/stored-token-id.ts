/**
 * Which oidc-provider rows are stored under a hash of their id (issue #15 finding 5, docs/decisions/0024):
 * for a bearer artifact the id *is* the opaque value a client presents, so a copy of oidc_payloads would
 * otherwise hold working tokens. SHA-256 (not a KDF, not keyed): the values are ≥ 256 random bits, so
 * one hash per call is enough, and the migration can compute the same digest in SQL.
 */
import { createHash } from 'node:crypto';

/**
 * Models whose id is a bearer value and that oidc-provider looks up only by that value. Not here:
 * Grant (its id is the clear join key grant_id of every token row and presents nothing by itself),
 * Session and Interaction (their cookies are signed with a key derived from the master key, which no
 * database copy holds; Session is also found by uid, which could not give its id back), DeviceCode
 * (found by user code and saved again under its id, which a hash can't give back; the device flow is
 * off), ReplayDetection (its id is already a digest).
 */
const HASHED_MODELS: ReadonlySet<string> = new Set([
  'AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials', 'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest', 'RegistrationAccessToken', 'InitialAccessToken', 'PreAuthorizedCode',
]);

export const isHashedModel = (model: string): boolean => HASHED_MODELS.has(model);

/** The oidc_payloads id of `model`'s artifact `id`: its SHA-256 in base64url for bearer models. */
export function storedTokenId(model: string, id: string): string {
  return isHashedModel(model) ? createHash('sha256').update(id).digest('base64url') : id;
}
