// zod schemas for the simulator's control API bodies (house-style §12.5: parse at every edge), mirroring
// the programmatic API: apps (wechat-api.md §14 item 6), codes (item 2), faults (items 3, 5, 24), knobs,
// phone codes (item 14), token invalidation (item 13), session keys and legacy data (item 15), user flags
// and profiles (items 19, 22).
import { z } from 'zod';
import { TRANSPORT_FAULT_KINDS, type Fault } from './faults.ts';
import type { SimulatedApp } from './simulator-types.ts';
import { WECHAT_ENDPOINTS } from './simulator-types.ts';
import { ERRMSG_STYLES } from './wire.ts';

const nonEmpty = z.string().min(1);
const scopeSchema = z.enum(['snsapi_base', 'snsapi_userinfo', 'snsapi_login']);
const endpointSchema = z.enum(WECHAT_ENDPOINTS);
const ms = z.number().int().min(0).max(600_000);
// A header value: printable ASCII only, so writeHead never throws on it.
const contentType = z.string().regex(/^[\x20-\x7e]+$/, 'printable ASCII');

export const simulatedAppSchema: z.ZodType<SimulatedApp> = z.strictObject({
  appId: nonEmpty,
  secret: nonEmpty,
  kind: z.enum(['miniprogram', 'app', 'web', 'official_account']),
  openPlatformId: nonEmpty.exactOptional(),
  ipWhitelistEnabled: z.boolean().exactOptional(),
  ipWhitelist: z.array(nonEmpty).exactOptional(),
  secretFrozen: z.boolean().exactOptional(),
  name: z.string().min(1).max(64).exactOptional(),
  // Hosts as WeChat's console takes them: `host` or `host:port`, no scheme or path.
  redirectDomains: z.array(z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host or host:port')).exactOptional(),
  pages: z.array(z.string().regex(/^[^/\s?#][^\s?#]*$/, 'a page path without leading / or query')).min(1).exactOptional(),
});

export const issueCodeSchema = z.strictObject({
  appId: nonEmpty,
  user: nonEmpty,
  scope: scopeSchema.exactOptional(),
});

/** Many codes in one call (benchmarks mint thousands before a measured phase). */
export const issueCodeBatchSchema = z.strictObject({
  appId: nonEmpty,
  users: z.array(nonEmpty).min(1).max(2000),
  scope: scopeSchema.exactOptional(),
});

export const userFlagsSchema = z.strictObject({ blocked: z.boolean().exactOptional(), snapshot: z.boolean().exactOptional() });

export const userProfileSchema = z.strictObject({
  nickname: z.string().max(256).exactOptional(),
  headimgurl: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).exactOptional(),
});

const target = { endpoint: endpointSchema.exactOptional(), times: z.number().int().min(1).exactOptional() };

export const faultSchema: z.ZodType<Fault> = z.discriminatedUnion('kind', [
  z.strictObject({ ...target, kind: z.literal('errcode'), errcode: z.number().int(), errmsg: nonEmpty.exactOptional() }),
  z.strictObject({
    ...target,
    kind: z.enum(TRANSPORT_FAULT_KINDS),
    status: z.number().int().min(300).max(599).exactOptional(),
  }),
  z.strictObject({ ...target, kind: z.literal('delay'), ms }),
  z.strictObject({
    ...target,
    kind: z.literal('raw'),
    body: z.string().max(65_536),
    status: z.number().int().min(200).max(599).exactOptional(),
    contentType: contentType.exactOptional(),
    ms: ms.exactOptional(),
  }),
  z.strictObject({
    ...target,
    kind: z.literal('burn_code_then'),
    then: z.enum(['errcode', 'delay', 'connection_reset']),
    errcode: z.number().int().exactOptional(),
    ms: ms.exactOptional(),
  }),
]);

const contentTypesSchema = z.strictObject(
  Object.fromEntries(WECHAT_ENDPOINTS.map((endpoint) => [endpoint, contentType.exactOptional()])) as Record<
    (typeof WECHAT_ENDPOINTS)[number],
    z.ZodExactOptional<typeof contentType>
  >,
);

export const settingsSchema = z.strictObject({
  contentTypes: contentTypesSchema.exactOptional(),
  latencyMs: ms.exactOptional(),
  errmsgStyle: z.enum(ERRMSG_STYLES).exactOptional(),
  userinfoChecksOpenId: z.boolean().exactOptional(),
});

export type SimulatorSettings = z.infer<typeof settingsSchema>;

export const issuePhoneCodeSchema = z.strictObject({
  appId: nonEmpty,
  user: nonEmpty,
  phoneNumber: z.string().regex(/^\d{4,14}$/, 'digits only, without country code').exactOptional(),
  countryCode: z.string().regex(/^[1-9]\d{0,2}$/, '1–3 digits').exactOptional(),
});

export const invalidateTokensSchema = z.strictObject({
  appId: nonEmpty,
  token: nonEmpty.exactOptional(),
  as: z.enum(['revoked', 'expired']).exactOptional(),
});

export const sessionKeySchema = z.strictObject({ appId: nonEmpty, user: nonEmpty, sessionKey: nonEmpty });

export const legacyDataSchema = z.strictObject({
  appId: nonEmpty,
  user: nonEmpty,
  data: z.record(z.string(), z.unknown()).exactOptional(),
  watermarkAppId: nonEmpty.exactOptional(),
});

export const signedDataSchema = z.strictObject({ appId: nonEmpty, user: nonEmpty, rawData: z.string().exactOptional() });
