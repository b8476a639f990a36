/**
 * The traffic of the HA run, through the balancer, as well-behaved clients send it: login chains (a
 * WeChat login, then refreshes, each answer's refresh token used once), phone-number calls (the path
 * that needs the app's central WeChat access token) and JWKS/discovery reads. A clean refusal is
 * honoured (Retry-After); a refresh whose outcome is unknown (the instance failed while answering) ends
 * its chain as "uncertain", since a retry with the same token would be a reuse (docs/decisions/0003).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { API, LOGIN_SCOPE, mintCodes, mintPhoneCode, PHONE_SCOPE, type Fixture } from './fixture.ts';
import type { Answer, Kind, Recorder } from './recorder.ts';

const WECHAT_GRANT = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

export interface HeldToken { readonly token: string; readonly clientId: string }

export interface TokenHaul {
  readonly accessTokens: string[];
  readonly idTokens: HeldToken[];
  /** The last refresh token of each finished chain: unused, so it must refresh exactly once. */
  readonly liveRefreshTokens: HeldToken[];
  /** Refresh tokens sent in a request whose answer was lost: spent or not, nobody knows. */
  readonly uncertainRefreshTokens: HeldToken[];
  readonly malformed: string[];
}

export interface TrafficOptions {
  readonly recorder: Recorder;
  readonly simulatorUrl: string;
  readonly fixture: Fixture;
  readonly chains: number;
  readonly refreshesPerLogin: number;
  readonly phoneWorkers: number;
  readonly signal: AbortSignal;
}

export async function driveTraffic(options: TrafficOptions): Promise<TokenHaul> {
  const haul: TokenHaul = { accessTokens: [], idTokens: [], liveRefreshTokens: [], uncertainRefreshTokens: [], malformed: [] };
  await Promise.all([
    ...Array.from({ length: options.chains }, (_, worker) => loginChains(worker, options, haul)),
    ...Array.from({ length: options.phoneWorkers }, (_, worker) => phoneCalls(worker, options, haul)),
    reads(options),
  ]);
  return haul;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
});

/** Waits as a client told "Retry-After" would, but no longer than the run. */
async function honour(answer: Answer, signal: AbortSignal): Promise<void> {
  if (answer.retryAfterSeconds === undefined) return;
  await sleep(answer.retryAfterSeconds * 1000, undefined, { signal }).catch(() => undefined);
}

/** Keeps the tokens of a successful answer; returns its refresh token (undefined if malformed). */
function keep(kind: Kind, answer: Answer, clientId: string, haul: TokenHaul, previous?: string): string | undefined {
  const { access_token: access, id_token: id, refresh_token: refresh } = answer.json ?? {};
  const wantsJwt = kind !== 'phone login';
  const ok = typeof access === 'string' && (!wantsJwt || access.split('.').length === 3) && typeof id === 'string'
    && (kind === 'phone login' || (typeof refresh === 'string' && refresh !== previous));
  if (!ok) {
    haul.malformed.push(`${kind}: ${JSON.stringify(Object.keys(answer.json ?? {}))}`);
    return undefined;
  }
  if (wantsJwt) haul.accessTokens.push(access);
  haul.idTokens.push({ token: id, clientId });
  return typeof refresh === 'string' ? refresh : undefined;
}

async function loginChains(worker: number, options: TrafficOptions, haul: TokenHaul): Promise<void> {
  const { recorder, fixture, signal } = options;
  const running = (): boolean => !signal.aborted;
  for (let n = 0; running(); n += 1) {
    const clientId = fixture.loginClients[(worker + n) % fixture.loginClients.length] ?? '';
    // One login in five is a returning user (an existing account), the others new ones.
    const user = n % 5 === 4 ? `ha-${String(worker)}-0` : `ha-${String(worker)}-${String(n)}`;
    const [code = ''] = await mintCodes(options.simulatorUrl, [user]);
    const login = await recorder.send('login', '/token', form({ grant_type: WECHAT_GRANT, client_id: clientId, code, scope: LOGIN_SCOPE, resource: API }));
    if (login.class !== 'success') {
      await honour(login, signal);
      continue;
    }
    let refreshToken = keep('login', login, clientId, haul);
    for (let done = 0; refreshToken !== undefined && done < options.refreshesPerLogin && running();) {
      const answer = await recorder.send('refresh', '/token', form({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }));
      if (answer.class === 'success') {
        refreshToken = keep('refresh', answer, clientId, haul, refreshToken);
        done += 1;
      } else if (answer.class === '429 + Retry-After') {
        // The per-client limit answers before the grant runs (ADR 0013): the token is still unused.
        await honour(answer, signal);
      } else {
        haul.uncertainRefreshTokens.push({ token: refreshToken, clientId });
        refreshToken = undefined;
        await honour(answer, signal);
      }
    }
    if (refreshToken !== undefined) haul.liveRefreshTokens.push({ token: refreshToken, clientId });
  }
}

async function phoneCalls(worker: number, options: TrafficOptions, haul: TokenHaul): Promise<void> {
  const { recorder, fixture, signal } = options;
  for (let n = 0; !signal.aborted; n += 1) {
    const user = `ha-phone-${String(worker)}-${String(n)}`;
    const [code = ''] = await mintCodes(options.simulatorUrl, [user]);
    const login = await recorder.send('phone login', '/token', form({ grant_type: WECHAT_GRANT, client_id: fixture.phoneClient, code, scope: PHONE_SCOPE }));
    if (login.class !== 'success') {
      await honour(login, signal);
      continue;
    }
    keep('phone login', login, fixture.phoneClient, haul);
    const phoneCode = await mintPhoneCode(options.simulatorUrl, user);
    const phone = await recorder.send('phone', '/me/phone', {
      method: 'POST',
      headers: { authorization: `Bearer ${String(login.json?.['access_token'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: phoneCode }),
    });
    if (phone.class === 'success' && !/^\+86\d+$/.test(String(phone.json?.['phone_number']))) haul.malformed.push(`phone: ${JSON.stringify(phone.json)}`);
    await honour(phone, signal);
  }
}

async function reads(options: TrafficOptions): Promise<void> {
  for (let n = 0; !options.signal.aborted; n += 1) {
    await (n % 2 === 0 ? options.recorder.send('jwks', '/jwks') : options.recorder.send('discovery', '/.well-known/openid-configuration'));
    await sleep(25);
  }
}
