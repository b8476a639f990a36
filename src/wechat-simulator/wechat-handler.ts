// Serves the simulated api.weixin.qq.com paths (wechat-api.md §1, §3–§6, §8.2–§8.6, §14 items 1, 9–14, 20–26):
// method check, fault injection, latency, the endpoint's reply on the wire, and the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveCgiToken, serveStableToken } from './access-token-endpoints.ts';
import { errorReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { transportFaultReply } from './fault-responses.ts';
import type { Fault } from './faults.ts';
import { exchangeJsCode } from './jscode2session.ts';
import { sweepIfDue } from './memory-sweep.ts';
import { exchangeOAuthCode } from './oauth-access-token.ts';
import { serveGetUserPhoneNumber } from './phone-number.ts';
import { serveCheckSession, serveResetSessionKey } from './session-key-endpoints.ts';
import { serveSnsAuth, serveUserInfo } from './sns-user-endpoints.ts';
import { recordRequest, type SimulatorState } from './simulator-state.ts';
import { ENDPOINT_METHODS, ENDPOINT_PATHS, type RequestOutcome, type WeChatEndpoint } from './simulator-types.ts';
import type { Waiter } from './waiter.ts';
import { formatErrmsg, toWeChatJson, writeRawReply, type ErrmsgStyle, type RawReply } from './wire.ts';
import { sceneOf, serveGetWxaCodeUnlimit } from './wxacode-unlimit.ts';

export interface WeChatHandlerDeps {
  readonly state: SimulatorState;
  readonly waiter: Waiter;
}

interface Served {
  readonly outcome: RequestOutcome;
  readonly fault?: Fault['kind'];
}

interface Exchange {
  readonly deps: WeChatHandlerDeps;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly endpoint: WeChatEndpoint;
  readonly request: ExchangeRequest;
}

const ENDPOINT_BY_PATH = new Map<string, WeChatEndpoint>(
  Object.entries(ENDPOINT_PATHS).map(([endpoint, path]) => [path, endpoint as WeChatEndpoint]),
);

const HANDLERS: Readonly<Record<WeChatEndpoint, (state: SimulatorState, request: ExchangeRequest) => EndpointReply>> = {
  jscode2session: exchangeJsCode,
  oauth2_access_token: exchangeOAuthCode,
  cgi_token: serveCgiToken,
  stable_token: serveStableToken,
  checksession: serveCheckSession,
  resetusersessionkey: serveResetSessionKey,
  getuserphonenumber: serveGetUserPhoneNumber,
  userinfo: serveUserInfo,
  sns_auth: serveSnsAuth,
  getwxacodeunlimit: serveGetWxaCodeUnlimit,
};

// Bodies of real requests are tiny; anything beyond this is not a WeChat client talking.
const MAX_BODY_BYTES = 64 * 1024;

function runEndpoint(ex: Exchange): EndpointReply {
  return HANDLERS[ex.endpoint](ex.deps.state, ex.request);
}

/** §1.6: wxa APIs answer in the `hint: [...] rid:` style unless a test chose a style explicitly. */
function errmsgStyleFor(state: SimulatorState, endpoint: WeChatEndpoint): ErrmsgStyle {
  const isWxa = ENDPOINT_PATHS[endpoint].startsWith('/wxa/');
  return isWxa && state.errmsgStyle === 'rid' ? 'hint_rid' : state.errmsgStyle;
}

function wireReply(state: SimulatorState, endpoint: WeChatEndpoint, reply: EndpointReply): RawReply {
  const contentType = state.contentTypes[endpoint];
  switch (reply.kind) {
    case 'success':
      return { status: 200, contentType, body: toWeChatJson(reply.body) };
    case 'image':
      return { status: 200, contentType: reply.contentType, body: reply.bytes };
    case 'error': {
      const errmsg = formatErrmsg(reply.errcode, state.now(), errmsgStyleFor(state, endpoint), reply.stem);
      return { status: 200, contentType, body: toWeChatJson({ errcode: reply.errcode, errmsg }) };
    }
  }
}

/** Waits the configured latency, then writes `reply` as WeChat would: HTTP 200 and compact JSON (or the image). */
async function answer(ex: Exchange, reply: EndpointReply): Promise<RequestOutcome> {
  const { state, waiter } = ex.deps;
  await waiter.wait(state.latencyMs);
  writeRawReply(ex.res, wireReply(state, ex.endpoint, reply));
  return reply.kind === 'error' ? reply.errcode : 'ok';
}

async function resetConnection(ex: Exchange): Promise<RequestOutcome> {
  await ex.deps.waiter.wait(ex.deps.state.latencyMs);
  ex.req.socket.destroy();
  return 'connection_reset';
}

async function burnCodeThen(ex: Exchange, fault: Extract<Fault, { kind: 'burn_code_then' }>): Promise<RequestOutcome> {
  const reply = runEndpoint(ex);
  switch (fault.then) {
    case 'errcode':
      return answer(ex, errorReply(fault.errcode ?? -1));
    case 'delay':
      await ex.deps.waiter.wait(fault.ms ?? 0);
      return answer(ex, reply);
    case 'connection_reset':
      return resetConnection(ex);
  }
}

async function applyFault(ex: Exchange, fault: Fault): Promise<RequestOutcome> {
  const { state, waiter } = ex.deps;
  switch (fault.kind) {
    case 'errcode':
      return answer(ex, errorReply(fault.errcode, fault.errmsg));
    case 'delay':
      await waiter.wait(fault.ms);
      return answer(ex, runEndpoint(ex));
    case 'burn_code_then':
      return burnCodeThen(ex, fault);
    case 'connection_reset':
      return resetConnection(ex);
    case 'raw':
      await waiter.wait(fault.ms ?? state.latencyMs);
      writeRawReply(ex.res, { status: fault.status ?? 200, contentType: fault.contentType ?? state.contentTypes[ex.endpoint], body: fault.body });
      return 'raw';
    default:
      await waiter.wait(state.latencyMs);
      writeRawReply(ex.res, transportFaultReply(fault.kind, ex.endpoint, state.contentTypes[ex.endpoint], fault.status));
      return fault.kind;
  }
}

async function serveEndpoint(ex: Exchange): Promise<Served> {
  // §1.1: wrong method → 43001/43002; checked before faults so a queued fault waits for a real call.
  const expected = ENDPOINT_METHODS[ex.endpoint];
  if (ex.req.method !== expected) return { outcome: await answer(ex, errorReply(expected === 'GET' ? 43001 : 43002)) };
  const fault = ex.deps.state.faults.take(ex.endpoint);
  if (!fault) return { outcome: await answer(ex, runEndpoint(ex)) };
  return { outcome: await applyFault(ex, fault), fault: fault.kind };
}

async function serveUnknownPath(deps: WeChatHandlerDeps, res: ServerResponse): Promise<Served> {
  await deps.waiter.wait(deps.state.latencyMs);
  writeRawReply(res, { status: 404, contentType: 'text/plain', body: 'not found' });
  return { outcome: 'not_found' };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves one request to a WeChat path and appends it to the request log once answered. */
export async function serveWeChatRequest(
  deps: WeChatHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const endpoint = ENDPOINT_BY_PATH.get(url.pathname) ?? null;
  const remoteAddress = req.socket.remoteAddress ?? '';
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  const at = deps.state.now();
  sweepIfDue(deps.state, at);
  const scene = endpoint === 'getwxacodeunlimit' ? sceneOf(body) : undefined;
  const entry = {
    at,
    method,
    path: url.pathname,
    endpoint,
    query: Object.fromEntries(url.searchParams),
    remoteAddress,
    ...(method === 'POST' ? { body } : {}),
    ...(scene === undefined ? {} : { scene }),
  };
  const served =
    endpoint === null
      ? await serveUnknownPath(deps, res)
      : await serveEndpoint({ deps, req, res, endpoint, request: { params: url.searchParams, remoteAddress, body } });
  recordRequest(deps.state, { ...entry, ...served });
}
