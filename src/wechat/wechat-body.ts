// Turns a WeChat HTTP response into parsed JSON — or, for the mini-program code, into image bytes — without
// trusting its status line or Content-Type (shared/docs/wechat-api.md §1.2 status, §1.3 content type, §1.4
// quirks, §8.6 image or JSON error, §12 rule 1).
import { WeChatError } from './wechat-errors.ts';

/** Login responses are a few hundred bytes; anything far larger is not WeChat talking. */
export const maxWeChatBodyBytes = 64 * 1024;
/** A 1280-pixel mini-program code is some hundred KiB (§8.6 width 280–1280). */
export const maxWeChatImageBytes = 2 * 1024 * 1024;

const unavailable = (message: string, cause?: unknown): WeChatError =>
  new WeChatError('wechat.unavailable', message, cause === undefined ? {} : { cause });

/**
 * Reads the whole body (the caller's AbortSignal also covers this read) and parses it.
 * HTTP status >= 300 is a transport failure: WeChat reports business errors with 200 (§1.2).
 */
export async function readWeChatBody(response: Response): Promise<unknown> {
  if (response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    throw unavailable(`WeChat answered HTTP ${String(response.status)}`);
  }
  return parseWeChatBody(await readBytes(response, maxWeChatBodyBytes));
}

export type WeChatImage = { contentType: 'image/png' | 'image/jpeg'; bytes: Uint8Array };

/** What the first bytes say the body is (§8.6: Content-Type alone is not to be trusted, §1.3). */
export function sniffImageType(bytes: Uint8Array): WeChatImage['contentType'] | null {
  const starts = (...prefix: number[]): boolean => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  return starts(0xff, 0xd8, 0xff) ? 'image/jpeg' : null;
}

/**
 * §8.6: success is an image, failure a JSON envelope. Returns the image, or the parsed JSON for the caller
 * to turn into a WeChatError (an image is never parsed as text, and text is never passed off as an image).
 */
export async function readWeChatImageOrJson(response: Response): Promise<WeChatImage | { json: unknown }> {
  if (response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    throw unavailable(`WeChat answered HTTP ${String(response.status)}`);
  }
  const read = await readBytes(response, maxWeChatImageBytes);
  const contentType = sniffImageType(read);
  // A plain Uint8Array view (no copy), not the Buffer it was read into: callers get what the type says.
  const bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
  return contentType === null ? { json: parseWeChatBody(read) } : { contentType, bytes };
}

async function readBytes(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw unavailable(`WeChat body exceeds ${String(limit)} bytes`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}

/**
 * Decodes as UTF-8 whatever Content-Type claims (WeChat sends raw UTF-8 under `text/plain` or even
 * `text/html; charset=gbk`) and parses JSON leniently like wechatpy's `strict=False`.
 */
export function parseWeChatBody(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text.trim() === '') throw unavailable('WeChat answered an empty body');
  try {
    return JSON.parse(escapeControlCharsInStrings(text));
  } catch (error) {
    throw unavailable('WeChat answered a body that is not JSON', redactedSyntaxError(error, bytes.byteLength));
  }
}

// V8 quotes a slice of the input in JSON.parse errors; a truncated success body would leak part of a
// session_key into logs through `cause`, so keep only the position (house-style §7).
function redactedSyntaxError(error: unknown, byteLength: number): SyntaxError {
  const position = error instanceof Error ? /\bat position \d+/.exec(error.message)?.[0] : undefined;
  return new SyntaxError(`invalid JSON in a ${String(byteLength)}-byte body${position === undefined ? '' : ` ${position}`}`);
}

/**
 * Escapes raw U+0000–U+001F inside JSON string literals (seen in nicknames, §1.4), which strict
 * JSON.parse rejects. Characters outside strings are left alone, so garbage still fails to parse.
 */
export function escapeControlCharsInStrings(text: string): string {
  let out = '';
  let inString = false;
  let escaped = false;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (inString && codePoint < 0x20) {
      out += `\\u${codePoint.toString(16).padStart(4, '0')}`;
      escaped = false;
      continue;
    }
    out += char;
    if (escaped) escaped = false;
    else if (inString && char === '\\') escaped = true;
    else if (char === '"') inString = !inString;
  }
  return out;
}
