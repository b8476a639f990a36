// One call to a WeChat endpoint: URL, method, JSON body, timeout, body parsing and the success-vs-error
// rule, with every outcome reported to an observer (shared/docs/wechat-api.md §1, §12 robust-client rules).
// Nothing here retries: code exchanges are single-use (§3.3), token retries live with the token cache.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { readWeChatBody, readWeChatImageOrJson, type WeChatImage } from './wechat-body.ts';
import { WeChatError } from './wechat-errors.ts';
import type { ErrcodeOverrides, WeChatErrorCode } from './wechat-errors.ts';
import { parseWeChatPayload } from './wechat-responses.ts';

export type WeChatEndpoint = 'jscode2session' | 'oauth2_access_token' | 'stable_token' | 'getuserphonenumber' | 'userinfo' | 'getwxacodeunlimit';

/** One finished upstream call, for logs and metrics. Carries no secret, code, token, session_key or URL. */
export type WeChatCallEvent = {
  endpoint: WeChatEndpoint;
  appId: string;
  durationMs: number;
  outcome: 'ok' | WeChatErrorCode;
  errcode?: number;
  rid?: string;
};

export type Transport = {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  onCall: ((event: WeChatCallEvent) => void) | undefined;
};

const paths: Record<WeChatEndpoint, string> = {
  jscode2session: '/sns/jscode2session',
  oauth2_access_token: '/sns/oauth2/access_token',
  stable_token: '/cgi-bin/stable_token',
  getuserphonenumber: '/wxa/business/getuserphonenumber',
  userinfo: '/sns/userinfo',
  getwxacodeunlimit: '/wxa/getwxacodeunlimit',
};

export type WeChatRequest = {
  endpoint: WeChatEndpoint;
  /** For the call event only; token-protected calls carry no appid on the wire. */
  appId: string;
  query: Record<string, string>;
  /** Sent as a JSON body with POST (§6.2: stable_token accepts JSON only); GET without it. */
  json?: Record<string, unknown>;
  /** The endpoint's own errcode meanings, where they differ from §2 (e.g. 48001 at sns/userinfo). */
  errcodes?: ErrcodeOverrides;
};

/** A JSON endpoint: the body parsed by `schema`; failures are WeChatErrors. */
export function callWeChat<Schema extends z.ZodType>(transport: Transport, request: WeChatRequest, schema: Schema): Promise<z.infer<Schema>> {
  return exchange(transport, request, async (response) => parseWeChatPayload(schema, await readWeChatBody(response), request.errcodes));
}

// A JSON body on an image endpoint is an error envelope or garbage, never a success.
const noJsonSuccess = z.never();

/** An image endpoint (§8.6): the image bytes on success, the JSON error envelope as a WeChatError. */
export function callWeChatForImage(transport: Transport, request: WeChatRequest): Promise<WeChatImage> {
  return exchange(transport, request, async (response) => {
    const read = await readWeChatImageOrJson(response);
    if ('json' in read) return parseWeChatPayload(noJsonSuccess, read.json, request.errcodes);
    return read;
  });
}

/**
 * One request, read by `decode`, in its own span (a no-op unless tracing is on): endpoint, app id and
 * errcode only — the URL with its secret and code stays out (the fetch span below it is redacted).
 */
function exchange<T>(transport: Transport, request: WeChatRequest, decode: (response: Response) => Promise<T>): Promise<T> {
  return trace.getTracer('wxbridge').startActiveSpan(`wechat.${request.endpoint}`, {
    kind: SpanKind.CLIENT, attributes: { 'wechat.endpoint': request.endpoint, 'wechat.app_id': request.appId },
  }, async (span) => {
    try {
      const payload = await exchangeReported(transport, request, decode);
      span.setAttribute('wechat.errcode', 0);
      return payload;
    } catch (error) {
      const weChatError = error as WeChatError;
      span.setAttributes({ 'wechat.outcome': weChatError.code, ...(weChatError.errcode === undefined ? {} : { 'wechat.errcode': weChatError.errcode }) });
      span.setStatus({ code: SpanStatusCode.ERROR, message: weChatError.code });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** One request, read by `decode`; every outcome is reported to `onCall` and failures are WeChatErrors. */
async function exchangeReported<T>(transport: Transport, request: WeChatRequest, decode: (response: Response) => Promise<T>): Promise<T> {
  const query = new URLSearchParams(request.query).toString();
  const url = `${transport.baseUrl}${paths[request.endpoint]}${query === '' ? '' : `?${query}`}`;
  const started = performance.now();
  const report = (outcome: WeChatCallEvent['outcome'], error?: WeChatError): void => {
    notify(transport.onCall, {
      endpoint: request.endpoint,
      appId: request.appId,
      durationMs: Math.round(performance.now() - started),
      outcome,
      ...(error?.errcode === undefined ? {} : { errcode: error.errcode }),
      ...(error?.rid === undefined ? {} : { rid: error.rid }),
    });
  };
  try {
    const payload = await fetchAndDecode(transport, url, request.json, decode);
    report('ok');
    return payload;
  } catch (error) {
    const weChatError = asWeChatError(error);
    report(weChatError.code, weChatError);
    throw weChatError;
  }
}

async function fetchAndDecode<T>(
  { fetch: fetchImpl, timeoutMs }: Transport,
  url: string,
  json: Record<string, unknown> | undefined,
  decode: (response: Response) => Promise<T>,
): Promise<T> {
  // One signal for the whole exchange: it aborts the connect, the headers and the body read.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, {
      method: json === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json, text/plain, */*',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      redirect: 'manual',
      signal,
    });
    return await decode(response);
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

function notify(onCall: Transport['onCall'], event: WeChatCallEvent): void {
  try {
    onCall?.(event);
  } catch {
    // An observer (logger, metrics) must not turn a finished exchange into a failure.
  }
}
