import { describe, expect, it } from 'vitest';
import { CLIENTS } from '../../../test/support/browser.ts';
import { pageLanguage } from '../../pages/page-language.ts';
import { isInsideWeChat, offeredMethods, wechatAuthorizeUrl, wechatScopeFor } from './sign-in-methods.ts';

const BOTH = { website: 'wx00000000000000aa', officialAccount: 'wx00000000000000bb' };

describe('offeredMethods (issue 13 #3)', () => {
  it('puts official-account OAuth first inside WeChat, on iOS, Android and HarmonyOS (ArkWeb)', () => {
    for (const client of [CLIENTS.wechat, CLIENTS.wechatAndroid, CLIENTS.wechatHarmony]) {
      expect(isInsideWeChat(client.userAgent)).toBe(true);
      expect(offeredMethods(BOTH, client.userAgent)).toEqual(['official-account', 'website-qr']);
    }
  });

  it('treats WeCom (wxwork) and desktop browsers as outside WeChat: website QR only', () => {
    for (const ua of [CLIENTS.wecom.userAgent, CLIENTS.desktopChrome.userAgent, undefined]) {
      expect(isInsideWeChat(ua)).toBe(false);
      expect(offeredMethods(BOTH, ua)).toEqual(['website-qr']);
    }
  });

  it('offers only what a configured app allows', () => {
    expect(offeredMethods({ website: undefined, officialAccount: BOTH.officialAccount }, CLIENTS.desktopChrome.userAgent)).toEqual([]);
    expect(offeredMethods({ website: undefined, officialAccount: BOTH.officialAccount }, CLIENTS.wechat.userAgent)).toEqual(['official-account']);
  });

  it('offers scanning with the mini-program, last, wherever a mini-program app is configured', () => {
    const miniProgram = { appId: 'wx00000000000000cc', page: 'pages/web-sign-in/index' };
    expect(offeredMethods({ ...BOTH, miniProgram }, CLIENTS.desktopChrome.userAgent)).toEqual(['website-qr', 'miniprogram-scan']);
    expect(offeredMethods({ ...BOTH, miniProgram }, CLIENTS.wechat.userAgent)).toEqual(['official-account', 'website-qr', 'miniprogram-scan']);
    expect(offeredMethods({ website: undefined, officialAccount: undefined, miniProgram }, undefined)).toEqual(['miniprogram-scan']);
  });
});

describe('wechatScopeFor / wechatAuthorizeUrl (wechat-api.md §8.1)', () => {
  it('asks snsapi_userinfo only when profile is requested', () => {
    expect(wechatScopeFor('official-account', ['openid'])).toBe('snsapi_base');
    expect(wechatScopeFor('official-account', ['openid', 'profile'])).toBe('snsapi_userinfo');
    expect(wechatScopeFor('website-qr', ['openid'])).toBe('snsapi_login');
  });

  it('builds the page URL in WeChat parameter order with #wechat_redirect', () => {
    const url = wechatAuthorizeUrl('https://open.weixin.qq.com', { method: 'official-account', appId: BOTH.officialAccount, redirectUri: 'https://id.example/cb?x=1', scope: 'snsapi_base', state: 'abc' });
    expect(url).toBe('https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx00000000000000bb&redirect_uri=https%3A%2F%2Fid.example%2Fcb%3Fx%3D1&response_type=code&scope=snsapi_base&state=abc#wechat_redirect');
    expect(wechatAuthorizeUrl('http://sim', { method: 'website-qr', appId: 'a', redirectUri: 'r', scope: 'snsapi_login', state: 's' })).toMatch(/^http:\/\/sim\/connect\/qrconnect\?/);
  });
});

describe('pageLanguage (RFC 9110 §12.5.4)', () => {
  it('picks zh-CN or English by preference, Chinese when neither is named', () => {
    expect(pageLanguage('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(pageLanguage('zh-TW,en;q=0.5')).toBe('zh-CN');
    expect(pageLanguage('fr,en;q=0.3,zh;q=0.7')).toBe('zh-CN');
    expect(pageLanguage('de')).toBe('zh-CN');
    expect(pageLanguage(undefined)).toBe('zh-CN');
    expect(pageLanguage('zh;q=0,en')).toBe('en');
  });
});
