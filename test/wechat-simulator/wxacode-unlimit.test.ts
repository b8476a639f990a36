// POST /wxa/getwxacodeunlimit (wechat-api.md §8.6, §14 item 26): a real PNG per scene, the page and scene
// rules, token protection, JSON error envelopes, and the request log that lets a test play the phone.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { json, stableToken, tokenOf } from './app-token-helpers.ts';
import { errorBodyPattern, MINI, OA, startSimulator, type TestSimulator } from './simulator-fixture.ts';

interface Png { readonly status: number; readonly contentType: string | null; readonly bytes: Buffer }

async function wxaCode(t: TestSimulator, accessToken: string, body: unknown): Promise<Png> {
  const response = await fetch(`${t.url}/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(accessToken)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The chunks of a PNG by type (the last one of each type wins). */
function chunks(png: Buffer): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    found.set(png.subarray(at + 4, at + 8).toString('latin1'), png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return found;
}

function textOf(png: Buffer): Record<string, string> {
  const text: Record<string, string> = {};
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString('latin1') === 'tEXt') {
      const [keyword = '', value = ''] = png.subarray(at + 8, at + 8 + length).toString('latin1').split('\u0000');
      text[keyword] = value;
    }
    at += 12 + length;
  }
  return text;
}

const errcodeOf = (png: Png): unknown => (JSON.parse(png.bytes.toString('utf8')) as { errcode?: unknown }).errcode;

describe('POST /wxa/getwxacodeunlimit (item 26)', () => {
  it('answers an image/png of the asked width that carries the scene, page and appid as text', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const png = await wxaCode(t, token, { scene: 'a1B2c3', page: 'pages/index/index', check_path: true, env_version: 'release', width: 300 });
    expect(png.status).toBe(200);
    expect(png.contentType).toBe('image/png');
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from('89504e470d0a1a0a', 'hex'));
    const ihdr = chunks(png.bytes).get('IHDR')!;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([300, 300]);
    expect(textOf(png.bytes)).toEqual({ scene: 'a1B2c3', page: 'pages/index/index', env_version: 'release', appid: MINI.appId });
    // Some ink and some paper: a picture, not a blank square.
    const pixels = new Set(inflateSync(chunks(png.bytes).get('IDAT')!));
    expect(pixels.has(24) && pixels.has(255)).toBe(true);
  });

  it('draws the same scene the same way and another scene differently; width defaults to 430 and is clamped', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const first = await wxaCode(t, token, { scene: 'same' });
    const again = await wxaCode(t, token, { scene: 'same' });
    const other = await wxaCode(t, token, { scene: 'other' });
    expect(first.bytes).toEqual(again.bytes);
    expect(chunks(first.bytes).get('IDAT')).not.toEqual(chunks(other.bytes).get('IDAT'));
    expect(chunks(first.bytes).get('IHDR')!.readUInt32BE(0)).toBe(430);
    expect(chunks((await wxaCode(t, token, { scene: 'x', width: 5000 })).bytes).get('IHDR')!.readUInt32BE(0)).toBe(1280);
  });

  it('keeps the scene in the request log so a test can play the phone', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    await wxaCode(t, token, { scene: "t=Zx9_!*'()", page: 'pages/index/index' });
    const logged = t.sim.requests.filter((request) => request.endpoint === 'getwxacodeunlimit');
    expect(logged).toMatchObject([{ scene: "t=Zx9_!*'()", outcome: 'ok' }]);
  });

  it.each([
    ['a 33-character scene', { scene: 'a'.repeat(33) }],
    ['an empty scene', { scene: '' }],
    ['a scene with a space', { scene: 'a b' }],
    ['a scene with non-ASCII', { scene: '场景' }],
    ['no scene', { page: 'pages/index/index' }],
  ])('answers 40169 to %s', async (_name, body) => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const png = await wxaCode(t, token, body);
    expect(png.contentType).toBe('application/json; encoding=utf-8');
    expect(png.bytes.toString('utf8')).toMatch(/^\{"errcode":40169,"errmsg":"invalid length for scene, or the data is not json string hint: \[/);
  });

  it('answers 41030 for an unpublished page or one with a leading slash, unless check_path is false', async () => {
    const t = await startSimulator();
    t.sim.registerApp({ ...MINI, pages: ['pages/index/index', 'pages/web-sign-in/index'] });
    const token = await tokenOf(stableToken(t, MINI));
    expect((await wxaCode(t, token, { scene: 's', page: 'pages/web-sign-in/index' })).status).toBe(200);
    expect(errcodeOf(await wxaCode(t, token, { scene: 's', page: 'pages/new/index' }))).toBe(41030);
    expect(errcodeOf(await wxaCode(t, token, { scene: 's', page: '/pages/index/index' }))).toBe(41030);
    const unchecked = await wxaCode(t, token, { scene: 's', page: 'pages/new/index', check_path: false, env_version: 'develop' });
    expect(unchecked.contentType).toBe('image/png');
  });

  it('answers 44002 to an empty body, 47001 to a non-JSON one or wrong types, 40097 to an unknown env_version', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    expect(errcodeOf(await wxaCode(t, token, ''))).toBe(44002);
    expect(errcodeOf(await wxaCode(t, token, 'scene=abc'))).toBe(47001);
    expect(errcodeOf(await wxaCode(t, token, { scene: 'abc', width: '430' }))).toBe(47001);
    expect(errcodeOf(await wxaCode(t, token, { scene: 'abc', env_version: 'beta' }))).toBe(40097);
  });

  it('is token-protected: 41001 without, 40001 unknown, 42001 expired, 48001 for an official account\'s token', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const oaToken = await tokenOf(stableToken(t, OA));
    expect(errcodeOf(await wxaCode(t, '', { scene: 's' }))).toBe(41001);
    expect(errcodeOf(await wxaCode(t, `${token}x`, { scene: 's' }))).toBe(40001);
    expect(errcodeOf(await wxaCode(t, oaToken, { scene: 's' }))).toBe(48001);
    t.sim.invalidateAccessTokens({ appId: MINI.appId, as: 'expired' });
    const expired = await wxaCode(t, token, { scene: 's' });
    expect(expired.bytes.toString('utf8')).toMatch(errorBodyPattern(t, 42001, 'access_token expired', ' hint: \\[[\\w-]+\\] '));
  });

  it('answers 43002 to GET', async () => {
    const t = await startSimulator();
    const response = await fetch(`${t.url}/wxa/getwxacodeunlimit?access_token=x`);
    expect(json({ status: 200, headers: response.headers, raw: await response.text() })).toMatchObject({ errcode: 43002 });
  });
});
