// The simulator's own HTTP test API under `/__simulator/` (wechat-api.md §14 item 25), so a simulator in
// another process (benchmarks) can be scripted: apps, codes, faults, user flags, knobs, request log,
// phone codes, token invalidation, session keys and legacy encrypted/signed data (items 13–15), user flags and
// profiles (items 19, 22) and the stores' sizes (memory checks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultSchema, issueCodeBatchSchema, issueCodeSchema, settingsSchema, simulatedAppSchema, userFlagsSchema, userProfileSchema } from './control-schemas.ts';
import { invalidateTokensSchema, issuePhoneCodeSchema, legacyDataSchema, sessionKeySchema, signedDataSchema } from './control-schemas.ts';
import type { SimulatorSettings } from './control-schemas.ts';
import { storeSizes } from './memory-sweep.ts';
import * as sim from './simulator-state.ts';
import * as controls from './test-controls.ts';
import { invalidateAppTokens } from './token-guard.ts';

export const CONTROL_PREFIX = '/__simulator';

const MAX_BODY_BYTES = 64 * 1024;

interface ControlReply {
  readonly status: number;
  readonly body?: unknown;
}

type Handler = (state: sim.SimulatorState, body: unknown, pathParam: string) => ControlReply;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly withBody: boolean;
  readonly handler: Handler;
}

class ControlError extends Error {
  override readonly name = 'ControlError';
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

function route(method: string, pattern: RegExp, handler: Handler): Route {
  return { method, pattern, withBody: method === 'POST' || method === 'PUT', handler };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new ControlError(400, 'invalid_request', z.prettifyError(result.error));
  return result.data;
}

function issueCode(state: sim.SimulatorState, body: unknown): ControlReply {
  const input = parse(issueCodeSchema, body);
  const app = sim.getApp(state, input.appId);
  const code = sim.issueCode(state, input);
  const snapshot = app.kind === 'official_account' && state.users.isSnapshot(input.user);
  const unionid = snapshot ? null : sim.unionIdFor(state, app, input.user);
  const openid = sim.openIdForCode(state, { appId: app.appId, user: input.user, snapshot });
  return { status: 201, body: { code, openid, ...(unionid === null ? {} : { unionid }) } };
}

function issueCodeBatch(state: sim.SimulatorState, body: unknown): ControlReply {
  const { appId, users, scope } = parse(issueCodeBatchSchema, body);
  sim.getApp(state, appId);
  const codes = users.map((user) => sim.issueCode(state, { appId, user, ...(scope === undefined ? {} : { scope }) }));
  return { status: 201, body: { codes } };
}

function applySettings(state: sim.SimulatorState, settings: SimulatorSettings): void {
  Object.assign(state.contentTypes, settings.contentTypes ?? {});
  if (settings.latencyMs !== undefined) state.latencyMs = settings.latencyMs;
  if (settings.errmsgStyle !== undefined) state.errmsgStyle = settings.errmsgStyle;
  if (settings.userinfoChecksOpenId !== undefined) state.userinfoChecksOpenId = settings.userinfoChecksOpenId;
}

const NO_CONTENT: ControlReply = { status: 204 };

const ROUTES: readonly Route[] = [
  route('POST', /^\/apps$/, (state, body) => {
    sim.registerApp(state, parse(simulatedAppSchema, body));
    return NO_CONTENT;
  }),
  route('POST', /^\/codes$/, issueCode),
  route('POST', /^\/codes\/batch$/, issueCodeBatch),
  route('POST', /^\/faults$/, (state, body) => {
    state.faults.push(parse(faultSchema, body));
    return NO_CONTENT;
  }),
  route('DELETE', /^\/faults$/, (state) => {
    state.faults.clear();
    return NO_CONTENT;
  }),
  route('POST', /^\/users\/([^/]+)\/flags$/, (state, body, user) => {
    sim.setUserFlags(state, user, parse(userFlagsSchema, body));
    return NO_CONTENT;
  }),
  route('PUT', /^\/users\/([^/]+)\/profile$/, (state, body, user) => {
    state.users.setProfile(user, parse(userProfileSchema, body));
    return NO_CONTENT;
  }),
  route('GET', /^\/store-sizes$/, (state) => ({ status: 200, body: storeSizes(state) })),
  route('PUT', /^\/settings$/, (state, body) => {
    applySettings(state, parse(settingsSchema, body));
    return NO_CONTENT;
  }),
  route('GET', /^\/requests$/, (state) => ({ status: 200, body: { requests: state.log } })),
  route('GET', /^\/requests\/counts$/, (state) => ({ status: 200, body: controls.requestCounts(state) })),
  route('POST', /^\/phone-codes$/, (state, body) => ({ status: 201, body: controls.issuePhoneCode(state, parse(issuePhoneCodeSchema, body)) })),
  route('POST', /^\/access-tokens\/invalidate$/, (state, body) => ({
    status: 200,
    body: { invalidated: invalidateAppTokens(state, parse(invalidateTokensSchema, body)) },
  })),
  route('PUT', /^\/session-keys$/, (state, body) => {
    controls.setSessionKey(state, parse(sessionKeySchema, body));
    return NO_CONTENT;
  }),
  route('POST', /^\/legacy-data\/encrypted$/, (state, body) => ({ status: 200, body: controls.encryptForUser(state, parse(legacyDataSchema, body)) })),
  route('POST', /^\/legacy-data\/signed$/, (state, body) => ({ status: 200, body: controls.signForUser(state, parse(signedDataSchema, body)) })),
  route('DELETE', /^\/requests$/, (state) => {
    sim.clearRequests(state);
    return NO_CONTENT;
  }),
];

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ControlError(413, 'body_too_large', `body exceeds ${String(MAX_BODY_BYTES)} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ControlError(400, 'invalid_json', 'request body must be JSON');
  }
}

function findRoute(method: string, subPath: string): { route: Route; param: string } {
  const matching = ROUTES.filter((route) => route.pattern.test(subPath));
  if (matching.length === 0) throw new ControlError(404, 'not_found', `no control route ${subPath}`);
  const route = matching.find((candidate) => candidate.method === method);
  if (!route) throw new ControlError(405, 'method_not_allowed', `${method} not allowed on ${subPath}`);
  const raw = route.pattern.exec(subPath)?.[1] ?? '';
  try {
    return { route, param: decodeURIComponent(raw) };
  } catch {
    throw new ControlError(400, 'invalid_request', 'malformed percent-encoding in path');
  }
}

function writeJson(res: ServerResponse, reply: ControlReply): void {
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function toErrorReply(error: unknown): ControlReply {
  if (error instanceof ControlError) return { status: error.status, body: { error: error.error, message: error.message } };
  if (error instanceof sim.SimulatorUsageError) return { status: 400, body: { error: 'invalid_request', message: error.message } };
  throw error;
}

/** Serves one control request; `url.pathname` starts with CONTROL_PREFIX. */
export async function serveControlRequest(
  state: sim.SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  let reply: ControlReply;
  try {
    const { route, param } = findRoute(req.method ?? 'GET', url.pathname.slice(CONTROL_PREFIX.length));
    const body = route.withBody ? await readJson(req) : undefined;
    reply = route.handler(state, body, param);
  } catch (error) {
    reply = toErrorReply(error);
  }
  writeJson(res, reply);
}
