import { describe, expect, it } from 'vitest';
import { parseWeChatBody } from './wechat-body.ts';
import { jscode2SessionSuccess, oauthAccessTokenSuccess, parseWeChatPayload, userInfoSuccess } from './wechat-responses.ts';

const fromWire = (text: string): unknown => parseWeChatBody(new TextEncoder().encode(text));
const session = (text: string) => parseWeChatPayload(jscode2SessionSuccess, fromWire(text));
const oauth = (text: string) => parseWeChatPayload(oauthAccessTokenSuccess, fromWire(text));

describe('jscode2session success (wechat-api §3.2)', () => {
  it('parses the observed shape with unionid', () => {
    expect(session('{"session_key":"CJsCJOkD3mFX8weh1ijyBQ==","openid":"ok-X068nPIY-emwpdlYAmoaef2h8","unionid":"o7hrD6aYhmgFFy_qb238EOfKCS8I"}'))
      .toMatchObject({ session_key: 'CJsCJOkD3mFX8weh1ijyBQ==', openid: 'ok-X068nPIY-emwpdlYAmoaef2h8', unionid: 'o7hrD6aYhmgFFy_qb238EOfKCS8I' });
  });

  it('parses a success without unionid and with \\/ in the session_key', () => {
    const result = session('{"session_key":"\\/IkZjlZpIUAFICUVPmWbmw==","openid":"odoiU5CcaqZL3u32_2YELtHaA1pY"}');
    expect(result).toMatchObject({ session_key: '/IkZjlZpIUAFICUVPmWbmw==', openid: 'odoiU5CcaqZL3u32_2YELtHaA1pY' });
    expect(result.unionid).toBeUndefined();
  });

  it.each([
    ['errcode 0 and errmsg (doc example)', '{"errcode":0,"errmsg":"ok","session_key":"k==","openid":"o1"}'],
    ['the pre-2018 expires_in', '{"session_key":"k==","expires_in":7200,"openid":"o1"}'],
    ['reordered keys', '{"openid":"o1","session_key":"k=="}'],
    ['unknown extra keys', '{"openid":"o1","session_key":"k==","new_field":{"x":[1]}}'],
  ])('accepts %s', (_name, text) => {
    expect(session(text)).toMatchObject({ openid: 'o1', session_key: 'k==' });
  });

  it.each([
    ['a numeric openid', '{"session_key":"k==","openid":12345}'],
    ['a null openid', '{"session_key":"k==","openid":null}'],
    ['an object openid', '{"session_key":"k==","openid":{"$ne":""}}'],
    ['an array openid', '{"session_key":"k==","openid":["o1"]}'],
    ['an empty openid', '{"session_key":"k==","openid":""}'],
    ['a missing openid', '{"session_key":"k=="}'],
    ['a missing session_key', '{"openid":"o1"}'],
    ['a numeric unionid', '{"session_key":"k==","openid":"o1","unionid":7}'],
    ['an openid with a NUL (PostgreSQL would refuse it)', '{"session_key":"k==","openid":"o\\u0000x"}'],
    ['an openid with a space', '{"session_key":"k==","openid":"o 1"}'],
    ['an openid longer than 64 characters', `{"session_key":"k==","openid":"${'o'.repeat(65)}"}`],
    ['a unionid with a control character', '{"session_key":"k==","openid":"o1","unionid":"u\\u0001"}'],
    ['errcode 0 without payload', '{"errcode":0,"errmsg":"ok"}'],
    ['a non-numeric errcode', '{"errcode":"oops","session_key":"k==","openid":"o1"}'],
    ['a fractional errcode', '{"errcode":40029.5,"errmsg":"x"}'],
    ['an array', '[{"session_key":"k==","openid":"o1"}]'],
    ['a bare string', '"o1"'],
    ['null', 'null'],
  ])('rejects %s as wechat.unavailable, never as an identity (C-06)', (_name, text) => {
    expect(() => session(text)).toThrow(expect.objectContaining({ code: 'wechat.unavailable', errcode: undefined }));
  });

  it('keeps the input values out of the error and its cause', () => {
    try {
      session('{"session_key":"SECRET-SESSION-KEY","openid":42}');
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('SECRET-SESSION-KEY');
      expect(String((error as Error).cause)).not.toContain('SECRET-SESSION-KEY');
    }
  });
});

describe('error envelope (wechat-api §1.5)', () => {
  it('maps a non-zero errcode even when payload fields are also present', () => {
    expect(() => session('{"errcode":40163,"errmsg":"code been used, rid: 6538ac7d-18c7e09b-572e68c3","openid":"o1","session_key":"k"}'))
      .toThrow(expect.objectContaining({ code: 'wechat.code_invalid', errcode: 40163, rid: '6538ac7d-18c7e09b-572e68c3' }));
  });

  it('does not require errmsg', () => {
    expect(() => session('{"errcode":45011}')).toThrow(expect.objectContaining({ code: 'wechat.rate_limited', errcode: 45011 }));
  });

  it('accepts errcode as a numeric string, like wechatpy int()', () => {
    expect(() => session('{"errcode":"-1","errmsg":"system error"}')).toThrow(expect.objectContaining({ code: 'wechat.unavailable', errcode: -1 }));
  });

  it('ignores a non-string errmsg', () => {
    expect(() => session('{"errcode":40125,"errmsg":{"x":1}}')).toThrow(expect.objectContaining({ code: 'wechat.misconfigured', rid: undefined }));
  });
});

describe('sns/oauth2/access_token success (wechat-api §8.2)', () => {
  const base = '"access_token":"7_0MSpG","expires_in":7200,"refresh_token":"7_51Ax","openid":"oLyBi0hSYhggnD-kOIms0IzZFqrc"';

  it('parses an snsapi_base answer', () => {
    expect(oauth(`{${base},"scope":"snsapi_base"}`)).toMatchObject({ openid: 'oLyBi0hSYhggnD-kOIms0IzZFqrc', scope: 'snsapi_base', expires_in: 7200 });
  });

  it('parses unionid and is_snapshotuser, in any key order', () => {
    expect(oauth(`{"is_snapshotuser":1,"unionid":"oDLMXwnjPD_93kUEYWEOvRrIpSvQ","scope":"snsapi_userinfo",${base}}`))
      .toMatchObject({ unionid: 'oDLMXwnjPD_93kUEYWEOvRrIpSvQ', is_snapshotuser: 1 });
  });

  it.each([
    ['a numeric openid', '{"access_token":"a","expires_in":7200,"refresh_token":"r","openid":1,"scope":"snsapi_base"}'],
    ['a missing scope', `{${base}}`],
    ['a missing access_token', '{"expires_in":7200,"refresh_token":"r","openid":"o","scope":"s"}'],
    ['an unrecognised is_snapshotuser', `{${base},"scope":"s","is_snapshotuser":"yes"}`],
  ])('rejects %s as wechat.unavailable', (_name, text) => {
    expect(() => oauth(text)).toThrow(expect.objectContaining({ code: 'wechat.unavailable' }));
  });

  it.each([
    [40029, 'wechat.code_invalid'],
    [40163, 'wechat.code_invalid'],
    [42003, 'wechat.code_invalid'],
    [40125, 'wechat.misconfigured'],
  ])('maps errcode %i to %s', (errcode, code) => {
    expect(() => oauth(`{"errcode":${String(errcode)},"errmsg":"x"}`)).toThrow(expect.objectContaining({ code, errcode }));
  });
});

describe('sns/userinfo success (wechat-api §8.4)', () => {
  const info = (text: string) => parseWeChatPayload(userInfoSuccess, fromWire(text));

  it('parses the observed 2021+ shape, unescaping \\/ and keeping emoji', () => {
    const body = '{"openid":"oEFbN6Kch-_VScWaQ7VIjPmKYQGU","nickname":"恩爸😀","sex":0,"language":"","city":"","province":"","country":"","headimgurl":"https:\\/\\/thirdwx.qlogo.cn\\/mmopen\\/vi_32\\/0KtDGJwZ\\/132","privilege":[],"unionid":"oCzyo5ztNxY6R_CaRymNbsA08OLM"}';
    expect(info(body)).toMatchObject({ openid: 'oEFbN6Kch-_VScWaQ7VIjPmKYQGU', nickname: '恩爸😀', headimgurl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/0KtDGJwZ/132', unionid: 'oCzyo5ztNxY6R_CaRymNbsA08OLM' });
  });

  it('drops raw control characters from the nickname (§1.4) and treats a missing or odd headimgurl as none', () => {
    const bare = info('{"openid":"o1","nickname":"a\u0000b\u001fc\u007f"}');
    expect(bare.nickname).toBe('abc');
    expect(bare.headimgurl).toBeUndefined();
    expect(info('{"openid":"o1","nickname":"n","headimgurl":"data:image/png;base64,AA"}').headimgurl).toBeUndefined();
  });

  it.each([
    ['no nickname', '{"openid":"o1"}'],
    ['a numeric nickname', '{"openid":"o1","nickname":7}'],
    ['no openid', '{"nickname":"n"}'],
  ])('answers wechat.unavailable to %s', (_name, text) => {
    expect(() => info(text)).toThrow(expect.objectContaining({ code: 'wechat.unavailable' }) as Error);
  });
});
