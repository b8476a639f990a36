import { describe, expect, it } from 'vitest';
import { escapeControlCharsInStrings, maxWeChatBodyBytes, maxWeChatImageBytes, parseWeChatBody, readWeChatBody, readWeChatImageOrJson, sniffImageType } from './wechat-body.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseWeChatBody', () => {
  it('unescapes \\/ in a session_key (wechat-api §1.4)', () => {
    const body = parseWeChatBody(bytes('{"session_key":"\\/IkZjlZpIUAFICUVPmWbmw==","openid":"odoiU5CcaqZL3u32_2YELtHaA1pY"}'));
    expect(body).toEqual({ session_key: '/IkZjlZpIUAFICUVPmWbmw==', openid: 'odoiU5CcaqZL3u32_2YELtHaA1pY' });
  });

  it('decodes raw UTF-8 (CJK and emoji) whatever the content type would claim', () => {
    expect(parseWeChatBody(bytes('{"nickname":"恩爸😀"}'))).toEqual({ nickname: '恩爸😀' });
  });

  it('tolerates raw control characters inside strings, like wechatpy strict=False', () => {
    const raw = '{"nickname":"a\u0001b\tc\nd\u001f","openid":"o1"}';
    expect(parseWeChatBody(bytes(raw))).toEqual({ nickname: 'a\u0001b\tc\nd\u001f', openid: 'o1' });
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(parseWeChatBody(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]))).toEqual({ a: 1 });
  });

  it.each([
    ['an empty body', ''],
    ['a whitespace body', ' \r\n'],
    ['an HTML page', '<html><body>502 Bad Gateway</body></html>'],
    ['a truncated body', '{"session_key":"CJsCJOkD3mFX8weh1ijyBQ==","open'],
    ['trailing garbage', '{"a":1} x'],
    ['a control character outside strings', '{"a":\u00011}'],
  ])('treats %s as wechat.unavailable', (_name, text) => {
    expect(() => parseWeChatBody(bytes(text))).toThrow(expect.objectContaining({ code: 'wechat.unavailable' }));
  });

  it('chains a SyntaxError cause that quotes nothing of the body (it may hold a session_key)', () => {
    try {
      parseWeChatBody(bytes('{"session_key":"SECRET\/KEY==","openid":"o1"x'));
      expect.unreachable();
    } catch (error) {
      const cause = (error as Error).cause;
      expect(cause).toBeInstanceOf(SyntaxError);
      expect(String(cause)).toMatch(/^SyntaxError: invalid JSON in a 44-byte body/);
      expect(String(cause)).not.toContain('SECRET');
      expect(String(cause)).not.toContain('o1');
    }
  });
});

describe('escapeControlCharsInStrings', () => {
  it('escapes only inside string literals and respects escaped quotes', () => {
    expect(escapeControlCharsInStrings('{"a\\"\u0002":\n"\u0000"}')).toBe('{"a\\"\\u0002":\n"\\u0000"}');
  });

  it('leaves well-formed JSON unchanged', () => {
    const json = '{"errcode":40029,"errmsg":"invalid code, rid: 66c69111-4157f271-729ca238","x":"\\\\"}';
    expect(escapeControlCharsInStrings(json)).toBe(json);
  });
});

describe('readWeChatBody', () => {
  it('parses a 200 text/plain body', async () => {
    const response = new Response('{"errcode":40029,"errmsg":"invalid code"}', { headers: { 'content-type': 'text/plain' } });
    await expect(readWeChatBody(response)).resolves.toEqual({ errcode: 40029, errmsg: 'invalid code' });
  });

  it('decodes as UTF-8 even when the content type says gbk', async () => {
    const response = new Response(bytes('{"nickname":"恩爸"}'), { headers: { 'content-type': 'text/html; charset=gbk' } });
    await expect(readWeChatBody(response)).resolves.toEqual({ nickname: '恩爸' });
  });

  it.each([301, 404, 500, 502, 504])('treats HTTP %i as wechat.unavailable even with a JSON body', async (status) => {
    const response = new Response('{"session_key":"k","openid":"o"}', { status });
    await expect(readWeChatBody(response)).rejects.toMatchObject({ code: 'wechat.unavailable', message: `WeChat answered HTTP ${String(status)}` });
  });

  it('treats a missing body as wechat.unavailable', async () => {
    await expect(readWeChatBody(new Response(null, { status: 200 }))).rejects.toMatchObject({ code: 'wechat.unavailable' });
  });

  it('refuses a body larger than the limit', async () => {
    const response = new Response(`{"a":"${'x'.repeat(maxWeChatBodyBytes)}"}`);
    await expect(readWeChatBody(response)).rejects.toMatchObject({ code: 'wechat.unavailable' });
  });
});

describe('sniffImageType and readWeChatImageOrJson (wechat-api §8.6)', () => {
  it('knows PNG and JPEG by their first bytes, and nothing else', () => {
    expect(sniffImageType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(sniffImageType(bytes('{"errcode":41030}'))).toBeNull();
    expect(sniffImageType(Uint8Array.from([0x89, 0x50]))).toBeNull();
  });

  it('hands a JSON body back parsed, for the error envelope', async () => {
    await expect(readWeChatImageOrJson(new Response('{"errcode":40169}', { headers: { 'content-type': 'image/jpeg' } }))).resolves.toEqual({ json: { errcode: 40169 } });
  });

  it('refuses an image larger than the limit, and HTTP errors', async () => {
    const huge = new Uint8Array(maxWeChatImageBytes + 1);
    huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expect(readWeChatImageOrJson(new Response(huge))).rejects.toMatchObject({ code: 'wechat.unavailable' });
    await expect(readWeChatImageOrJson(new Response('bad gateway', { status: 502 }))).rejects.toMatchObject({ code: 'wechat.unavailable' });
  });
});
