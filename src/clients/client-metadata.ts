/**
 * What a client registration may say (zod), and how a stored client becomes oidc-provider client
 * metadata. Two kinds (design.md §1, §6): public mini-program clients bound to one WeChat app, and
 * confidential service clients using client_credentials.
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
  scope: ScopeList.refine((value) => value.split(' ').every((s) => (OIDC_SCOPES as readonly string[]).includes(s)), {
    message: `may only contain ${OIDC_SCOPES.join(', ')}`,
  }).default('openid profile offline_access'),
  resources: Resources,
  defaultResource: ResourceUri.optional(),
  /**
   * How its ID tokens are signed. ES256 by default: a P-256 signature costs a third of an RSA-2048
   * one on every login (bench/signing-algorithms.ts, docs/decisions/0012); RS256 stays available.
   */
  idTokenSigningAlg: z.enum(SIGNING_ALGORITHMS).default('ES256'),
});

export const ClientInput = z.discriminatedUnion('type', [ServiceClientInput, MiniProgramClientInput]);
export type ClientInput = z.input<typeof ClientInput>;
export type ParsedClientInput = z.output<typeof ClientInput>;

/** oidc-provider metadata for a registration (the secret is attached when served). */
export function toProviderMetadata(input: ParsedClientInput): Record<string, unknown> {
  const common = { client_id: input.clientId, redirect_uris: [], response_types: [] };
  if (input.type === 'service') {
    return { ...common, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };
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
  if (row.metadata['token_endpoint_auth_method'] !== 'none') return { type: 'service', ...common };
  // Clients registered before ES256 became the default have no value: theirs is the OIDC default, RS256.
  const idTokenSigningAlg = row.metadata['id_token_signed_response_alg'] === 'ES256' ? 'ES256' : 'RS256';
  return { type: 'miniprogram', ...common, wechatAppId: text(row.metadata['wechat_appid'], ''), scope: text(row.metadata['scope'], 'openid'), idTokenSigningAlg };
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
