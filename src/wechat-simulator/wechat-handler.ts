// Serves the simulated api.weixin.qq.com paths (wechat-api.md §1, §3, §8.2, §14 items 1, 20, 24, 25):
// method check, fault injection, latency, the endpoint's reply on the wire, and the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { transportFaultReply } from './fault-responses.ts';
import type { Fault } from './faults.ts';
import { exchangeJsCode } from './jscode2session.ts';
import { exchangeOAuthCode } from './oauth-access-token.ts';
import { recordRequest, type SimulatorState } from './simulator-state.ts';
import { ENDPOINT_PATHS, type RequestOutcome, type WeChatEndpoint } from './simulator-types.ts';
import type { Waiter } from './waiter.ts';
import { formatErrmsg, toWeChatJson, writeRawReply } from './wire.ts';

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

function runEndpoint(ex: Exchange): EndpointReply {
  const { state } = ex.deps;
  return ex.endpoint === 'jscode2session' ? exchangeJsCode(state, ex.request) : exchangeOAuthCode(state, ex.request);
}

/** Waits the configured latency, then writes `reply` as WeChat would: HTTP 200 and compact JSON. */
async function answer(ex: Exchange, reply: EndpointReply): Promise<RequestOutcome> {
  const { state, waiter } = ex.deps;
  await waiter.wait(state.latencyMs);
  const body =
    reply.kind === 'success'
      ? reply.body
      : { errcode: reply.errcode, errmsg: formatErrmsg(reply.errcode, state.now(), state.errmsgStyle, reply.stem) };
  writeRawReply(ex.res, { status: 200, contentType: state.contentTypes[ex.endpoint], body: toWeChatJson(body) });
  return reply.kind === 'success' ? 'ok' : reply.errcode;
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
    default:
      await waiter.wait(state.latencyMs);
      writeRawReply(ex.res, transportFaultReply(fault.kind, ex.endpoint, state.contentTypes[ex.endpoint], fault.status));
      return fault.kind;
  }
}

async function serveEndpoint(ex: Exchange): Promise<Served> {
  // §1.1: wrong method → 43001; checked before faults so a queued fault waits for a real call.
  if (ex.req.method !== 'GET') return { outcome: await answer(ex, errorReply(43001)) };
  const fault = ex.deps.state.faults.take(ex.endpoint);
  if (!fault) return { outcome: await answer(ex, runEndpoint(ex)) };
  return { outcome: await applyFault(ex, fault), fault: fault.kind };
}

async function serveUnknownPath(deps: WeChatHandlerDeps, res: ServerResponse): Promise<Served> {
  await deps.waiter.wait(deps.state.latencyMs);
  writeRawReply(res, { status: 404, contentType: 'text/plain', body: 'not found' });
  return { outcome: 'not_found' };
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
  const entry = {
    at: deps.state.now(),
    method: req.method ?? 'GET',
    path: url.pathname,
    endpoint,
    query: Object.fromEntries(url.searchParams),
    remoteAddress,
  };
  const served =
    endpoint === null
      ? await serveUnknownPath(deps, res)
      : await serveEndpoint({ deps, req, res, endpoint, request: { params: url.searchParams, remoteAddress } });
  recordRequest(deps.state, { ...entry, ...served });
}
