// Test controls beyond codes and faults (wechat-api.md §14 items 13–15, 25): phone codes, pinned
// session keys, early token invalidation, legacy encryptedData/rawData for a user's current session_key,
// and per-endpoint request counts. Each is also served by the control API (control-api.ts).
import { encryptUserData, signRawData } from './legacy-crypto.ts';
import { sweepIfDue } from './memory-sweep.ts';
import { phoneGrantFor, randomMainlandNumber, type PhoneGrant } from './phone-code-store.ts';
import { getApp, SimulatorUsageError, unionIdFor, type SimulatorState } from './simulator-state.ts';
import { WECHAT_ENDPOINTS, type WeChatEndpoint } from './simulator-types.ts';

export interface IssuePhoneCodeInput {
  readonly appId: string;
  readonly user: string;
  /** The number without country code (default: a random mainland mobile number). */
  readonly phoneNumber?: string;
  /** Default '86'. */
  readonly countryCode?: string;
}

export interface IssuedPhone extends PhoneGrant {
  readonly code: string;
}

/** Mints what `e.detail.code` of the getPhoneNumber button carries (§5.1): 64 hex, 300 s, single use. */
export function issuePhoneCode(state: SimulatorState, input: IssuePhoneCodeInput): IssuedPhone {
  const app = getApp(state, input.appId);
  const now = state.now();
  sweepIfDue(state, now);
  const grant = phoneGrantFor(input.phoneNumber ?? randomMainlandNumber(), input.countryCode ?? '86');
  const code = state.phoneCodes.issue({ ...grant, appId: app.appId, user: input.user, issuedAt: now, expiresAt: now + state.phoneCodeTtlMs });
  return { code, ...grant };
}

const SESSION_KEY_SHAPE = /^[A-Za-z0-9+/]{22}==$/;

/** Makes `sessionKey` the user's current session_key (e.g. an official vector's key, §5.2). */
export function setSessionKey(state: SimulatorState, input: { appId: string; user: string; sessionKey: string }): void {
  const app = getApp(state, input.appId);
  if (!SESSION_KEY_SHAPE.test(input.sessionKey)) throw new SimulatorUsageError('sessionKey must be 16 bytes in standard Base64 (24 chars)');
  state.identities.setSessionKey(app.appId, state.identities.openIdOf(app.appId, input.user), input.sessionKey, state.now());
}

function currentSessionKey(state: SimulatorState, appId: string, user: string): string {
  const sessionKey = state.identities.findSessionKey(appId, state.identities.openIdOf(appId, user));
  if (sessionKey === null) throw new SimulatorUsageError(`${user} has no session_key for ${appId}; log in (jscode2session) first`);
  return sessionKey;
}

export interface LegacyDataInput {
  readonly appId: string;
  readonly user: string;
  /** The payload without watermark; default: the user's (post-2021, demoted) user info (§10). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Default: `appId` (another value simulates data of a foreign app, test catalogue W-11). */
  readonly watermarkAppId?: string;
}

/** §5.2: `encryptedData`/`iv` as `wx.getUserInfo` would hand them over, with the current session_key. */
export function encryptForUser(state: SimulatorState, input: LegacyDataInput): { encryptedData: string; iv: string; plaintext: string } {
  const app = getApp(state, input.appId);
  const sessionKey = currentSessionKey(state, app.appId, input.user);
  const openId = state.identities.openIdOf(app.appId, input.user);
  const unionId = unionIdFor(state, app, input.user);
  const data = input.data ?? {
    openId, nickName: '微信用户', gender: 0, language: '', city: '', province: '', country: '',
    avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132',
    ...(unionId === null ? {} : { unionId }),
  };
  const watermark = { timestamp: Math.floor(state.now() / 1000), appid: input.watermarkAppId ?? app.appId };
  const plaintext = JSON.stringify({ ...data, watermark });
  return { ...encryptUserData(sessionKey, plaintext), plaintext };
}

/** §5.3: `rawData` and `signature = sha1(rawData + session_key)` for the user's current session_key. */
export function signForUser(state: SimulatorState, input: { appId: string; user: string; rawData?: string }): { rawData: string; signature: string } {
  const app = getApp(state, input.appId);
  const rawData = input.rawData ?? JSON.stringify({ nickName: '微信用户', gender: 0, language: '', city: '', province: '', country: '', avatarUrl: '', is_demote: true });
  return { rawData, signature: signRawData(rawData, currentSessionKey(state, app.appId, input.user)) };
}

/** How many logged requests each endpoint received (§14 item 25), e.g. "exactly one stable_token call". */
export function requestCounts(state: SimulatorState): Record<WeChatEndpoint, number> {
  const counts = Object.fromEntries(WECHAT_ENDPOINTS.map((endpoint) => [endpoint, 0])) as Record<WeChatEndpoint, number>;
  for (const entry of state.log) if (entry.endpoint !== null) counts[entry.endpoint] += 1;
  return counts;
}
