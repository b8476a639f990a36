/**
 * Belt and braces for the audit log's before/after snapshots: the views we record carry no secrets
 * by construction, and this drops any secret-named member anyway (test-catalogue ).
 */
const SECRET_MEMBERS = new Set([
  'secret', 'clientSecret', 'client_secret', 'secretCiphertext', 'secret_ciphertext', 'secretHashes', 'secret_hashes',
  'privateJwk', 'privateJwkCiphertext', 'private_jwk_ciphertext', 'password', 'sessionKey', 'session_key',
]);

export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_MEMBERS.has(key)).map(([key, child]) => [key, withoutSecrets(child)]));
}
