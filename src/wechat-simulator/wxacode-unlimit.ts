// `POST /wxa/getwxacodeunlimit?access_token=` (wechat-api.md §8.6, §14 item 26): a JSON body `{scene, page?,
// check_path?, env_version?, width?}` → a real PNG of a mini-program code whose tEXt chunk carries the scene.
// Errors are the usual JSON envelope: 44002 empty body, 47001 not JSON, 40169 bad scene, 41030 page not
// published (unless check_path:false), 40097 bad env_version [UNCONFIRMED], 48001 not a mini-program [UNCONFIRMED].
import { errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { encodePng } from './png.ts';
import type { SimulatorState } from './simulator-state.ts';
import type { SimulatedApp } from './simulator-types.ts';
import { requireAppToken } from './token-guard.ts';
import { renderMiniProgramCode } from './wxacode-image.ts';

/** §8.6: at most 32 visible characters of this alphabet. */
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
const DEFAULT_PAGES = ['pages/index/index'];
const ENV_VERSIONS = new Set(['release', 'trial', 'develop']);

interface CodeRequest {
  readonly scene: string;
  readonly page: string | undefined;
  readonly checkPath: boolean;
  readonly envVersion: string;
  readonly width: number;
}

function parseJsonObject(body: string): Record<string, unknown> | EndpointReply {
  if (body.trim() === '') return errorReply(44002);
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Falls through to 47001 like any other non-object.
  }
  return errorReply(47001);
}

function typed<T>(value: unknown, type: 'string' | 'boolean' | 'number', fallback: T): T | null {
  if (value === undefined) return fallback;
  return typeof value === type ? (value as T) : null;
}

function parseCodeRequest(fields: Record<string, unknown>): CodeRequest | EndpointReply {
  const page = typed<string | undefined>(fields['page'], 'string', undefined);
  const checkPath = typed(fields['check_path'], 'boolean', true);
  const envVersion = typed(fields['env_version'], 'string', 'release');
  const width = typed(fields['width'], 'number', 430);
  if (page === null || checkPath === null || envVersion === null || width === null) return errorReply(47001);
  const scene = fields['scene'];
  if (typeof scene !== 'string' || !SCENE.test(scene)) return errorReply(40169);
  if (!ENV_VERSIONS.has(envVersion)) return errorReply(40097);
  // §8.6 width 280–1280; out-of-range values are clamped [UNCONFIRMED].
  return { scene, page, checkPath, envVersion, width: Math.min(1280, Math.max(280, Math.round(width))) };
}

function isPublishedPage(app: SimulatedApp, request: CodeRequest): boolean {
  if (request.page === undefined) return true;
  // "根路径前不要填加 /": a leading slash is never a page.
  if (request.page.startsWith('/')) return false;
  return !request.checkPath || (app.pages ?? DEFAULT_PAGES).includes(request.page);
}

export function serveGetWxaCodeUnlimit(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const token = requireAppToken(state, request.params);
  if (isReply(token)) return token;
  const app = state.apps.get(token.appId);
  if (app?.kind !== 'miniprogram') return errorReply(48001);
  const fields = parseJsonObject(request.body);
  if (isReply(fields)) return fields;
  const codeRequest = parseCodeRequest(fields);
  if (isReply(codeRequest)) return codeRequest;
  if (!isPublishedPage(app, codeRequest)) return errorReply(41030);
  const image = renderMiniProgramCode(codeRequest.scene, codeRequest.width);
  const text = { scene: codeRequest.scene, page: codeRequest.page ?? '', env_version: codeRequest.envVersion, appid: app.appId };
  return { kind: 'image', contentType: 'image/png', bytes: encodePng(image, text) };
}

/** The scene a getwxacodeunlimit body asked for, for the request log (§14 item 26); undefined if none. */
export function sceneOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { scene?: unknown } | null;
    return typeof parsed?.scene === 'string' ? parsed.scene : undefined;
  } catch {
    return undefined;
  }
}
