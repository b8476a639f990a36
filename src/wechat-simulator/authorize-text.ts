// The words on the simulated authorize pages, in Simplified Chinese and English (house-style §13), and how
// a page picks its language: qrconnect's `lang=cn|en` (wechat-api.md §8.1), else Accept-Language, else zh-CN.

export type PageLanguage = 'zh' | 'en';

export interface PageText {
  readonly htmlLang: string;
  readonly simulatorNotice: string;
  readonly titleQr: string;
  readonly titleOfficialAccount: string;
  readonly requestsSignIn: (app: string) => string;
  readonly scopeBase: string;
  readonly scopeUserInfo: string;
  readonly scopeLogin: string;
  readonly scanHint: string;
  readonly userLabel: string;
  readonly userHint: string;
  readonly userInvalid: string;
  readonly approve: string;
  readonly deny: string;
  readonly returnsTo: (host: string) => string;
  readonly otherLanguage: string;
  readonly errorTitle: string;
  readonly errcodeLabel: string;
  readonly errorNextStep: string;
  readonly expired: string;
  readonly refused: string;
  readonly problems: Readonly<Record<number, string>>;
}

const ZH: PageText = {
  htmlLang: 'zh-CN',
  simulatorNotice: 'wxbridge 微信模拟器 · 这不是真实的微信页面',
  titleQr: '微信登录',
  titleOfficialAccount: '微信授权',
  requestsSignIn: (app) => `「${app}」申请使用你的微信身份登录`,
  scopeBase: '获取你的身份标识（openid）。真实微信中此步骤静默完成。',
  scopeUserInfo: '获得你的公开信息（昵称、头像）',
  scopeLogin: '获得你的昵称、头像和身份标识',
  scanHint: '真实网站在这里显示二维码，用手机微信扫一扫后确认。在模拟器中，请输入一位模拟用户代替扫码。',
  userLabel: '模拟用户',
  userHint: '同一名字就是同一个人：在同一开放平台的所有应用中拥有相同的 unionid。',
  userInvalid: '请输入 1–64 位字母、数字或 _ . -',
  approve: '同意',
  deny: '拒绝',
  returnsTo: (host) => `确认后将返回 ${host}`,
  otherLanguage: 'English',
  errorTitle: '无法继续登录',
  errcodeLabel: '错误码',
  errorNextStep: '这是网站的微信登录配置问题。请关闭此页，返回网站并告知网站管理员。',
  expired: '此页面已过期。请返回网站重新发起登录。',
  refused: '此请求不是从本页面提交的，已被拒绝。请返回网站重新发起登录。',
  problems: {
    10003: 'redirect_uri 域名与后台配置不一致',
    10005: '此应用没有这些 scope 的权限',
    10008: '请求参数格式错误（response_type 必须为 code）',
    10010: 'scope 不能为空',
    10011: 'redirect_uri 不能为空',
    10012: 'appid 不能为空',
    10013: 'state 参数错误（最多 128 位字母或数字）',
    10016: '不支持开放平台应用的 appid',
    40013: 'appid 参数错误',
  },
};

const EN: PageText = {
  htmlLang: 'en',
  simulatorNotice: 'wxbridge WeChat simulator · not a real WeChat page',
  titleQr: 'Sign in with WeChat',
  titleOfficialAccount: 'WeChat authorization',
  requestsSignIn: (app) => `“${app}” would like you to sign in with WeChat`,
  scopeBase: 'Your WeChat identifier (openid). Real WeChat does this step silently.',
  scopeUserInfo: 'Your public profile (nickname and photo)',
  scopeLogin: 'Your nickname, photo and WeChat identifier',
  scanHint: 'A real website shows a QR code here that you scan and confirm with WeChat on your phone. In the simulator, enter a simulated user instead.',
  userLabel: 'Simulated WeChat user',
  userHint: 'One name is one person: the same unionid in every app of one Open Platform.',
  userInvalid: 'Enter 1–64 letters, digits, _ . or -',
  approve: 'Allow',
  deny: 'Deny',
  returnsTo: (host) => `You will return to ${host}`,
  otherLanguage: '中文',
  errorTitle: 'Sign-in cannot continue',
  errcodeLabel: 'Error code',
  errorNextStep: "The website's WeChat sign-in is set up wrongly. Close this page, go back to the website and tell its administrator.",
  expired: 'This page has expired. Go back to the website and sign in again.',
  refused: 'This answer did not come from this page and was refused. Go back to the website and sign in again.',
  problems: {
    10003: "The redirect_uri domain is not one of the app's authorized domains",
    10005: 'This app has no permission for the requested scope',
    10008: 'Malformed request (response_type must be code)',
    10010: 'The scope is missing',
    10011: 'The redirect_uri is missing',
    10012: 'The appid is missing',
    10013: 'The state is invalid (at most 128 letters or digits)',
    10016: 'Open Platform appids are not supported here',
    40013: 'The appid is invalid',
  },
};

export function textFor(language: PageLanguage): PageText {
  return language === 'en' ? EN : ZH;
}

/** `lang=cn|en` wins (qrconnect, §8.1); then the first zh/en tag of Accept-Language; zh-CN by default. */
export function pageLanguage(lang: string | null, acceptLanguage: string | undefined): PageLanguage {
  if (lang === 'en') return 'en';
  if (lang === 'cn') return 'zh';
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const primary = tag.trim().toLowerCase().slice(0, 2);
    if (primary === 'zh' || primary === 'en') return primary;
  }
  return 'zh';
}
