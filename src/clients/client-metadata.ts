/**
 * What a client registration may say (zod), and how a stored client becomes oidc-provider client
 * metadata. Four kinds (design.md §1, §6, §10): public mini-program clients bound to one WeChat app,
 * confidential service clients using client_credentials, and the browser clients of the authorization
 * code flow — confidential web apps and public single-page apps (PKCE S256 for both).
 */
import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../keys/signing-algorithms.ts';

export const WECHAT_GRANT_TYPE = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

/** The OIDC scopes wxbridge offers (design.md §3); resource servers add their own API scopes. */
export const OIDC_SCOPES = ['openid', 'profile', 'phone', 'wechat', 'offline_access'] as const;

const ClientId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{2,127}$/, 'must be 3–128 characters of [A-Za-z0-9._~-]');
const ResourceUri = z.url({ protocol: /^https?$/ }).max(512);
const ScopeList = z.string().trim().max(1000).regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be space-separated scope tokens');
const Resources = z.record(ResourceUri, ScopeList.or(z.literal(''))).default({});

/**
 * RFC 9700 §2.1 / §4.1.3: an absolute https URI compared exactly, no fragment; http only for a
 * loopback host (RFC 8252 §7.3), where a developer's own machine is the only possible receiver.
 */
const RedirectUri = z.url({ protocol: /^https?$/ }).max(512).refine((value) => {
  const uri = new URL(value);
  if (uri.hash !== '' || value.includes('#')) return false;
  return uri.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(uri.hostname);
}, { message: 'must be an https URI without a fragment (http only for localhost, 127.0.0.1 or [::1])' });

const OidcScope = ScopeList.refine((value) => value.split(' ').every((s) => (OIDC_SCOPES as readonly string[]).includes(s)), {
  message: `may only contain ${OIDC_SCOPES.join(', ')}`,
});

export const BROWSER_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/** The fields a web app and a single-page app share: where the browser may be sent back to. */
const browserClientFields = {
  clientId: ClientId,
  /** Shown on the consent and sign-in pages; the client id when absent. */
  name: z.string().trim().min(1).max(100).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters').optional(),
  redirectUris: z.array(RedirectUri).min(1, 'at least one redirect URI is required').max(20),
  postLogoutRedirectUris: z.array(RedirectUri).max(20).default([]),
  /** First-party clients belong to the operator: the user is not asked to consent (design.md §10). */
  firstParty: z.boolean().default(false),
  scope: OidcScope.default('openid profile'),
  resources: Resources,
  defaultResource: ResourceUri.optional(),
  idTokenSigningAlg: z.enum(SIGNING_ALGORITHMS).default('ES256'),
  /**
   * The mini-program whose code this client's sign-in page shows for "scan with the mini-program"
   * (issue #13); absent: the first mini-program app by appid. Must be a configured mini-program app.
   */
  scanAppId: z.string().regex(/^wx[0-9a-f]{16}$/, 'must look like wx + 16 hex characters').optional(),
};

/** A confidential web application (server side): client_secret_basic, the secret printed once. */
export const WebClientInput = z.object({ type: z.literal('web'), ...browserClientFields });
/** A public single-page application: no secret, PKCE is its only proof (RFC 9700 §2.1.1). */
export const SpaClientInput = z.object({ type: z.literal('spa'), ...browserClientFields });

export const ServiceClientInput = z.object({
  type: z.literal('service'),
  clientId: ClientId,
  resources: Resources,
  defaultResource: ResourceUri.optional(),
});

export const MiniProgramClientInput = z.object({
  type: z.literal('miniprogram'),
  clientId: ClientId,
  wechatAppId: z.string().regex(/^wx[0-9a-f]{16}$/, 'must look like wx + 16 hex characters'),
  scope: OidcScope.default('openid profile offline_access'),
  resources: Resources,
  defaultResource: ResourceUri.optional(),
  /**
   * How its ID tokens are signed. ES256 by default: a P-256 signature costs a third of an RSA-2048
   * one on every login (bench/signing-algorithms.ts, docs/decisions/0012); RS256 stays available.
   */
  idTokenSigningAlg: z.enum(SIGNING_ALGORITHMS).default('ES256'),
});

export const ClientInput = z.discriminatedUnion('type', [ServiceClientInput, MiniProgramClientInput, WebClientInput, SpaClientInput]);
export type ClientInput = z.input<typeof ClientInput>;
export type ParsedClientInput = z.output<typeof ClientInput>;

/** oidc-provider metadata for a registration (the secret is attached when served). */
export function toProviderMetadata(input: ParsedClientInput): Record<string, unknown> {
  const common = { client_id: input.clientId, redirect_uris: [], response_types: [] };
  if (input.type === 'service') {
    return { ...common, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };
  }
  if (input.type === 'web' || input.type === 'spa') {
    return {
      client_id: input.clientId,
      ...(input.name === undefined ? {} : { client_name: input.name }),
      application_type: 'web',
      redirect_uris: [...input.redirectUris],
      post_logout_redirect_uris: [...input.postLogoutRedirectUris],
      // RFC 9700 §2.1.2: the code flow only, never implicit.
      response_types: ['code'],
      grant_types: [...BROWSER_GRANT_TYPES],
      token_endpoint_auth_method: input.type === 'web' ? 'client_secret_basic' : 'none',
      scope: input.scope,
      id_token_signed_response_alg: input.idTokenSigningAlg,
      wxbridge_first_party: input.firstParty,
      ...(input.scanAppId === undefined ? {} : { wxbridge_scan_appid: input.scanAppId }),
    };
  }
  return {
    ...common,
    // A mini-program cannot keep a secret: the single-use, app-bound WeChat code is the proof (design.md §1).
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: [WECHAT_GRANT_TYPE, 'refresh_token'],
    scope: input.scope,
    wechat_appid: input.wechatAppId,
    // Registered explicitly (OIDC Dynamic Client Registration §2 makes an omitted value mean RS256).
    id_token_signed_response_alg: input.idTokenSigningAlg,
  };
}

/** A partial edit of a client (PATCH): `version` is the one the editor read (optimistic concurrency). */
export const ClientUpdateInput = z.strictObject({
  version: z.number().int().positive(),
  scope: ScopeList.optional(),
  resources: z.record(ResourceUri, ScopeList.or(z.literal(''))).optional(),
  defaultResource: ResourceUri.nullable().optional(),
});
export type ClientUpdateInput = z.input<typeof ClientUpdateInput>;

/** The stored registration, read back as the input that would create it (for edits and views). */
export function toClientInput(row: {
  clientId: string; metadata: Record<string, unknown>; resourceScopes: Record<string, string>; defaultResource?: string | null | undefined;
}): ParsedClientInput {
  const common = { clientId: row.clientId, resources: row.resourceScopes, ...(row.defaultResource == null ? {} : { defaultResource: row.defaultResource }) };
  const grantTypes = row.metadata['grant_types'];
  if (Array.isArray(grantTypes) && grantTypes.includes('authorization_code')) return toBrowserClientInput(row.metadata, common);
  if (row.metadata['token_endpoint_auth_method'] !== 'none') return { type: 'service', ...common };
  // Clients registered before ES256 became the default have no value: theirs is the OIDC default, RS256.
  const idTokenSigningAlg = row.metadata['id_token_signed_response_alg'] === 'ES256' ? 'ES256' : 'RS256';
  return { type: 'miniprogram', ...common, wechatAppId: text(row.metadata['wechat_appid'], ''), scope: text(row.metadata['scope'], 'openid'), idTokenSigningAlg };
}

function toBrowserClientInput(metadata: Record<string, unknown>, common: { clientId: string; resources: Record<string, string>; defaultResource?: string }): ParsedClientInput {
  const name = metadata['client_name'];
  const scanAppId = metadata['wxbridge_scan_appid'];
  return {
    type: metadata['token_endpoint_auth_method'] === 'none' ? 'spa' : 'web',
    ...common,
    ...(typeof name === 'string' ? { name } : {}),
    redirectUris: strings(metadata['redirect_uris']),
    postLogoutRedirectUris: strings(metadata['post_logout_redirect_uris']),
    firstParty: metadata['wxbridge_first_party'] === true,
    scope: text(metadata['scope'], 'openid'),
    idTokenSigningAlg: metadata['id_token_signed_response_alg'] === 'RS256' ? 'RS256' : 'ES256',
    ...(typeof scanAppId === 'string' ? { scanAppId } : {}),
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
