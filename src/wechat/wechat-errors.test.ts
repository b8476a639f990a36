import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { entry, isAccessTokenRejected, WeChatError, ridFrom, weChatErrcodes, weChatErrorFor } from './wechat-errors.ts';
import type { WeChatErrorCode } from './wechat-errors.ts';

// Every errcode of shared/docs/wechat-api.md §2 (0 excluded: it is success), plus 43001/43003 (§1.1) and
// the mini-program code's 40169/41030 (§8.6).
const expectedKinds: ReadonlyArray<readonly [number, WeChatErrorCode]> = [
  [-1, 'wechat.unavailable'],
  [40001, 'wechat.misconfigured'],
  [40002, 'wechat.misconfigured'],
  [40003, 'wechat.rejected'],
  [40013, 'wechat.misconfigured'],
  [40014, 'wechat.misconfigured'],
  [40029, 'wechat.code_invalid'],
  [40030, 'wechat.rejected'],
  [40097, 'wechat.misconfigured'],
  [40125, 'wechat.misconfigured'],
  [40163, 'wechat.code_invalid'],
  [40164, 'wechat.misconfigured'],
  [40169, 'wechat.scene_invalid'],
  [40226, 'wechat.user_blocked'],
  [40243, 'wechat.misconfigured'],
  [41002, 'wechat.misconfigured'],
  [41004, 'wechat.misconfigured'],
  [41008, 'wechat.misconfigured'],
  [41009, 'wechat.misconfigured'],
  [41030, 'wechat.page_invalid'],
  [42001, 'wechat.misconfigured'],
  [42002, 'wechat.rejected'],
  [42003, 'wechat.code_invalid'],
  [42007, 'wechat.rejected'],
  [43001, 'wechat.misconfigured'],
  [43002, 'wechat.misconfigured'],
  [43003, 'wechat.misconfigured'],
  [43104, 'wechat.rejected'],
  [44002, 'wechat.misconfigured'],
  [45009, 'wechat.misconfigured'],
  [45011, 'wechat.rate_limited'],
  [47001, 'wechat.misconfigured'],
  [48001, 'wechat.misconfigured'],
  [50002, 'wechat.user_blocked'],
  [61004, 'wechat.misconfigured'],
  [61010, 'wechat.rejected'],
  [76001, 'wechat.rejected'],
  [76002, 'wechat.rejected'],
  [76003, 'wechat.rejected'],
  [76004, 'wechat.rejected'],
  [87008, 'wechat.misconfigured'],
  [87009, 'wechat.rejected'],
  [89002, 'wechat.misconfigured'],
  [89300, 'wechat.rejected'],
  [89501, 'wechat.misconfigured'],
  [89503, 'wechat.misconfigured'],
  [89506, 'wechat.misconfigured'],
  [89507, 'wechat.misconfigured'],
];

describe('weChatErrorFor', () => {
  it.each(expectedKinds)('maps errcode %i to %s', (errcode, code) => {
    const error = weChatErrorFor(errcode, 'some text, rid: 66c69111-4157f271-729ca238');
    expect(error).toBeInstanceOf(WeChatError);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ name: 'WeChatError', code, errcode, rid: '66c69111-4157f271-729ca238' });
    expect(error.message).toMatch(new RegExp(`^WeChat errcode ${String(errcode)}: \\w`));
  });

  it('has a table entry for exactly the documented errcodes and none for success (0)', () => {
    expect([...weChatErrcodes.keys()].sort()).toEqual(expectedKinds.map(([errcode]) => errcode).sort());
    expect(weChatErrcodes.has(0)).toBe(false);
  });

  it('maps an unknown errcode to wechat.rejected, keeping the errcode', () => {
    expect(weChatErrorFor(99999)).toMatchObject({ code: 'wechat.rejected', errcode: 99999 });
  });

  it('asks to retry rate limits after 60 s and outages after a few seconds, and nothing else', () => {
    expect(weChatErrorFor(45011).retryAfterSeconds).toBe(60);
    expect(weChatErrorFor(-1).retryAfterSeconds).toBe(5);
    expect(weChatErrorFor(40029).retryAfterSeconds).toBeUndefined();
    expect(weChatErrorFor(40125).retryAfterSeconds).toBeUndefined();
  });

  it('keeps errmsg (which may carry our IP) out of the message', () => {
    const errmsg = 'invalid ip 14.22.81.196 ipv6 ::ffff:14.22.81.196, not in whitelist, rid: 66222748-63805354-3e7bbd7f';
    const error = weChatErrorFor(40164, errmsg);
    expect(error.message).not.toContain('14.22.81.196');
    expect(error.message).not.toContain('whitelist, rid');
    expect(error.rid).toBe('66222748-63805354-3e7bbd7f');
  });

  it('works without an errmsg (some APIs omit it, §1.4)', () => {
    expect(weChatErrorFor(40029)).toMatchObject({ code: 'wechat.code_invalid', rid: undefined });
  });

  it('lets an endpoint give an errcode its own meaning, and keeps §2 for the others', () => {
    const overrides = new Map([[48001, entry('insufficient_scope', 'the user token was granted snsapi_base only')]]);
    expect(weChatErrorFor(48001, undefined, overrides)).toMatchObject({ code: 'wechat.insufficient_scope', errcode: 48001 });
    expect(weChatErrorFor(48001)).toMatchObject({ code: 'wechat.misconfigured' });
    expect(weChatErrorFor(40029, undefined, overrides)).toMatchObject({ code: 'wechat.code_invalid' });
  });
});

describe('isAccessTokenRejected', () => {
  it('recognises 40001, 40014 and 42001 (refresh the token and retry once, §6.3), and nothing else', () => {
    expect([40001, 40014, 42001].map((errcode) => isAccessTokenRejected(weChatErrorFor(errcode)))).toEqual([true, true, true]);
    expect([41030, 40169, 48001, -1].map((errcode) => isAccessTokenRejected(weChatErrorFor(errcode)))).toEqual([false, false, false, false]);
    expect(isAccessTokenRejected(new Error('40001'))).toBe(false);
  });
});

describe('ridFrom', () => {
  it.each([
    ['invalid code, rid: 6206378a-793424c0-2e4091cc', '6206378a-793424c0-2e4091cc'],
    ['invalid appsecret rid: 6242d22c-258e8eb8-0dc4dadd', '6242d22c-258e8eb8-0dc4dadd'],
    ['invalid code hint: [WiEBWV0sf-Te2URA] rid: 66165fe0-612cb3df-20194ddf', '66165fe0-612cb3df-20194ddf'],
    ['code been used, hints: [ req_id: 7L8aBa05974105 ]', '7L8aBa05974105'],
    ['invalid appsecret, view more at http:\/\/t.cn\/RAEkdVq hint: [1fUWsA04483054]', '1fUWsA04483054'],
  ])('finds the request id in %j', (errmsg, rid) => {
    expect(ridFrom(errmsg)).toBe(rid);
  });

  it('returns undefined when there is none', () => {
    expect(ridFrom('system error')).toBeUndefined();
    expect(ridFrom(undefined)).toBeUndefined();
  });
});

describe('WeChatError', () => {
  it('chains the cause and lets callers override retryAfterSeconds', () => {
    const cause = new Error('socket hang up');
    const error = new WeChatError('wechat.unavailable', 'WeChat could not be reached', { cause, retryAfterSeconds: 1 });
    expect(error.cause).toBe(cause);
    expect(error.retryAfterSeconds).toBe(1);
  });
});
