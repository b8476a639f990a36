// The outbound WeChat client: exchanges a login code for the user's identity, once, with a timeout
// (shared/docs/wechat-api.md §3 jscode2session, §8.2 sns/oauth2/access_token, §12 robust-client rules).
import type { z } from 'zod';
import { readWeChatBody } from './wechat-body.ts';
import { WeChatError } from './wechat-errors.ts';
import type { WeChatErrorCode } from './wechat-errors.ts';
import { jscode2SessionSuccess, oauthAccessTokenSuccess, parseWeChatPayload } from './wechat-responses.ts';

export type WeChatEndpoint = 'jscode2session' | 'oauth2_access_token';

/** One finished upstream call, for logs and metrics. Carries no secret, code, session_key or URL. */
export type WeChatCallEvent = {
  endpoint: WeChatEndpoint;
  appId: string;
  durationMs: number;
  outcome: 'ok' | WeChatErrorCode;
  errcode?: number;
  rid?: string;
};

export type WeChatClientDeps = {
  /** `https://api.weixin.qq.com` in production, the simulator in tests. */
  baseUrl: string;
  /** Covers connect, headers and body; undici's own defaults are 300 s (test catalogue U-02). */
  timeoutMs: number;
  fetch?: typeof fetch;
  onCall?: (event: WeChatCallEvent) => void;
};

export type CodeExchange = { appId: string; secret: string; code: string };

export type MiniProgramSession = { openId: string; unionId?: string; sessionKey: string };

export type OAuthIdentity = { openId: string; unionId?: string; scope: string; isSnapshotUser: boolean };

export type WeChatClient = {
  /** `wx.login` code → session (`GET /sns/jscode2session`, §3). Throws WeChatError. */
  exchangeMiniProgramCode(input: CodeExchange): Promise<MiniProgramSession>;
  /** OA / website / app OAuth code → identity (`GET /sns/oauth2/access_token`, §8.2). Throws WeChatError. */
  exchangeOAuthCode(input: CodeExchange): Promise<OAuthIdentity>;
};

const paths: Record<WeChatEndpoint, string> = {
  jscode2session: '/sns/jscode2session',
  oauth2_access_token: '/sns/oauth2/access_token',
};

/**
 * Builds the client. A code is single-use (§3.3), so no call is ever retried here: after a timeout
 * WeChat may already have burnt the code, and the front end must fetch a new one.
 */
export function createWeChatClient(deps: WeChatClientDeps): WeChatClient {
  // Parsed here, before any URL carries a secret, so a bad base URL fails at startup.
  const transport: Transport = {
    baseUrl: new URL(deps.baseUrl).href.replace(/\/+$/, ''),
    fetch: deps.fetch ?? fetch,
    timeoutMs: deps.timeoutMs,
    onCall: deps.onCall,
  };
  return {
    async exchangeMiniProgramCode({ appId, secret, code }) {
      const query = { appid: appId, secret, js_code: code, grant_type: 'authorization_code' };
      const { openid, unionid, session_key } = await callWeChat(transport, 'jscode2session', query, jscode2SessionSuccess);
      return { openId: openid, ...(unionid === undefined ? {} : { unionId: unionid }), sessionKey: session_key };
    },
    async exchangeOAuthCode({ appId, secret, code }) {
      const query = { appid: appId, secret, code, grant_type: 'authorization_code' };
      const result = await callWeChat(transport, 'oauth2_access_token', query, oauthAccessTokenSuccess);
      return {
        openId: result.openid,
        ...(result.unionid === undefined ? {} : { unionId: result.unionid }),
        scope: result.scope,
        // §8.2: present with value 1 only for snapshot-mode virtual accounts; the grant refuses them.
        isSnapshotUser: [1, '1', true].includes(result.is_snapshotuser ?? 0),
      };
    },
  };
}

type Transport = {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  onCall: WeChatClientDeps['onCall'];
};

/** One GET, parsed by `schema`; every outcome is reported to `onCall` and failures are WeChatErrors. */
async function callWeChat<Schema extends z.ZodType>(
  transport: Transport,
  endpoint: WeChatEndpoint,
  query: { appid: string } & Record<string, string>,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const url = `${transport.baseUrl}${paths[endpoint]}?${new URLSearchParams(query).toString()}`;
  const started = performance.now();
  const report = (outcome: WeChatCallEvent['outcome'], error?: WeChatError): void => {
    notify(transport.onCall, {
      endpoint,
      appId: query.appid,
      durationMs: Math.round(performance.now() - started),
      outcome,
      ...(error?.errcode === undefined ? {} : { errcode: error.errcode }),
      ...(error?.rid === undefined ? {} : { rid: error.rid }),
    });
  };
  try {
    const payload = parseWeChatPayload(schema, await fetchBody(transport, url));
    report('ok');
    return payload;
  } catch (error) {
    const weChatError = asWeChatError(error);
    report(weChatError.code, weChatError);
    throw weChatError;
  }
}

async function fetchBody({ fetch: fetchImpl, timeoutMs }: Transport, url: string): Promise<unknown> {
  // One signal for the whole exchange: it aborts the connect, the headers and the body read.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, {
      method: 'GET',
      headers: { accept: 'application/json, text/plain, */*' },
      redirect: 'manual',
      signal,
    });
    return await readWeChatBody(response);
  } catch (error) {
    if (error instanceof WeChatError || !signal.aborted) throw error;
    throw new WeChatError('wechat.unavailable', `WeChat did not answer within ${String(timeoutMs)} ms`, { cause: error });
  }
}

/** Transport failures (refused, reset, TLS, DNS) become `wechat.unavailable`, cause chained. */
function asWeChatError(error: unknown): WeChatError {
  if (error instanceof WeChatError) return error;
  return new WeChatError('wechat.unavailable', 'WeChat could not be reached', { cause: error });
}

function notify(onCall: WeChatClientDeps['onCall'], event: WeChatCallEvent): void {
  try {
    onCall?.(event);
  } catch {
    // An observer (logger, metrics) must not turn a finished exchange into a failure.
  }
}
