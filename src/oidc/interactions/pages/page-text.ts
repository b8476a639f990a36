/** Every word of the hosted pages, in zh-CN and English (issue 13 #3). */
import type { PageLanguage } from '../../../pages/page-language.ts';

export type SignInMethod = 'website-qr' | 'official-account' | 'miniprogram-scan';

/** What went wrong, as a person can act on it (issue 13 #4: never WeChat's raw errmsg). */
export type FailureClass =
  | 'code' | 'blocked' | 'busy' | 'unavailable' | 'misconfigured' | 'disabled' | 'state' | 'session' | 'denied' | 'request' | 'throttled' | 'no_account';

export interface PageText {
  readonly signInTitle: string;
  signInLead(client: string): string;
  readonly methods: Readonly<Record<SignInMethod, string>>;
  readonly noMethod: string;
  readonly otherMethods: string;
  readonly consentTitle: string;
  consentLead(client: string): string;
  readonly scopes: Readonly<Record<string, string>>;
  readonly allow: string;
  readonly deny: string;
  readonly errorTitle: string;
  readonly failures: Readonly<Record<FailureClass, string>>;
  readonly retry: string;
  readonly backToApp: string;
  readonly snapshotTitle: string;
  readonly snapshotBody: string;
  readonly logoutTitle: string;
  readonly logoutLead: string;
  readonly logoutConfirm: string;
  readonly logoutCancel: string;
  readonly loggedOutTitle: string;
  readonly loggedOutBody: string;
  readonly reference: string;
  readonly scanTitle: string;
  scanLead(client: string): string;
  readonly scanImageAlt: string;
  /** What the scan page says in each state of its ticket. */
  readonly scanStatus: Readonly<Record<'pending' | 'scanned' | 'confirmed' | 'rejected' | 'expired' | 'lost', string>>;
  readonly scanAgain: string;
  readonly bindTitle: string;
  bindLead(client: string): string;
  readonly linkExisting: string;
  readonly linkExistingHint: string;
  readonly createNew: string;
  readonly createRefused: string;
}

/** The states the scan page shows: the ticket's, and `lost` when the page can no longer reach its ticket. */
export type ScanStatus = keyof PageText['scanStatus'];

const ZH: PageText = {
  signInTitle: '登录',
  signInLead: (client) => `使用微信登录「${client}」`,
  methods: { 'website-qr': '微信扫码登录', 'official-account': '微信授权登录', 'miniprogram-scan': '用小程序扫码登录' },
  noMethod: '此服务尚未配置可用的微信登录方式，请联系管理员。',
  otherMethods: '其他登录方式',
  consentTitle: '授权确认',
  consentLead: (client) => `「${client}」请求获取以下信息：`,
  scopes: {
    openid: '识别你的身份（一个不含微信号的唯一标识）',
    profile: '你的昵称和头像',
    phone: '你的手机号码',
    wechat: '你在该应用下的微信 openid 和 unionid',
    offline_access: '在你离开后继续访问（长期有效）',
  },
  allow: '同意',
  deny: '拒绝',
  errorTitle: '登录未完成',
  failures: {
    code: '微信登录凭证已失效或已被使用，请重新登录。',
    blocked: '微信暂时限制了该账号登录，请稍后再试或在微信中处理。',
    busy: '登录请求过于频繁，请稍后再试。',
    unavailable: '暂时无法连接微信，请稍后再试。',
    misconfigured: '此服务的微信登录配置有误，请联系管理员。',
    disabled: '该账号已被停用。',
    state: '登录链接无效或已被使用，请从头重新登录。',
    session: '登录会话已过期或不属于此浏览器，请返回应用重新登录。',
    denied: '你已取消微信授权。',
    request: '登录请求无效，请返回应用重新开始。',
    throttled: '尝试次数过多，请稍后再试。',
    no_account: '此登录方式仅供已有账号的用户使用。请先通过该服务的小程序或其他方式注册，再回来登录。',
  },
  retry: '重新登录',
  backToApp: '返回应用',
  snapshotTitle: '请打开完整页面',
  snapshotBody: '你正在浏览页面快照，无法登录。请点击底部的“使用完整服务”打开完整页面后再登录。',
  logoutTitle: '退出登录',
  logoutLead: '确定要退出登录吗？',
  logoutConfirm: '退出',
  logoutCancel: '保持登录',
  loggedOutTitle: '已退出',
  loggedOutBody: '你已成功退出登录，可以关闭此页面。',
  reference: '参考编号',
  scanTitle: '用小程序扫码登录',
  scanLead: (client) => `请使用微信扫描下方小程序码，并在小程序中确认登录「${client}」。`,
  scanImageAlt: '登录用的小程序码',
  scanStatus: {
    pending: '等待扫码…',
    scanned: '已扫码，请在手机上确认登录。',
    confirmed: '已确认，正在登录…',
    rejected: '你已在手机上取消了本次登录。',
    expired: '小程序码已过期，请刷新后重新扫码。',
    lost: '登录状态已失效，请重新开始。',
  },
  scanAgain: '刷新小程序码',
  bindTitle: '首次使用此微信登录',
  bindLead: (client) => `这个微信身份还没有关联任何账号。如果你已经在小程序中使用过「${client}」，请关联到已有账号，以免产生两个账号。`,
  linkExisting: '关联到我的已有账号',
  linkExistingHint: '使用已登录的小程序扫码确认即可关联。',
  createNew: '创建新账号',
  createRefused: '此应用不能创建新账号：请先用小程序扫码，关联到你已有的账号。',
};

const EN: PageText = {
  signInTitle: 'Sign in',
  signInLead: (client) => `Sign in to ${client} with WeChat`,
  methods: { 'website-qr': 'Scan a QR code with WeChat', 'official-account': 'Continue with WeChat', 'miniprogram-scan': 'Scan with the mini-program' },
  noMethod: 'No WeChat sign-in method is configured for this service; please contact its administrator.',
  otherMethods: 'Other ways to sign in',
  consentTitle: 'Allow access',
  consentLead: (client) => `${client} asks for:`,
  scopes: {
    openid: 'Who you are (an identifier that is not your WeChat ID)',
    profile: 'Your nickname and profile picture',
    phone: 'Your phone number',
    wechat: 'Your WeChat openid and unionid for this application',
    offline_access: 'Access while you are away (long-lived)',
  },
  allow: 'Allow',
  deny: 'Deny',
  errorTitle: 'Sign-in not completed',
  failures: {
    code: 'The WeChat sign-in expired or was already used. Please sign in again.',
    blocked: 'WeChat has temporarily restricted this account from signing in. Try again later or check WeChat.',
    busy: 'Too many sign-in attempts. Please wait a minute and try again.',
    unavailable: 'WeChat cannot be reached right now. Please try again shortly.',
    misconfigured: 'WeChat sign-in is misconfigured for this service. Please contact its administrator.',
    disabled: 'This account is disabled.',
    state: 'This sign-in link is invalid or was already used. Please start again.',
    session: 'This sign-in session expired or belongs to another browser. Go back to the application and start again.',
    denied: 'You cancelled the WeChat authorization.',
    request: 'The sign-in request is invalid. Go back to the application and start again.',
    throttled: 'Too many attempts. Please try again shortly.',
    no_account: 'This way of signing in is only for people who already have an account. Create your account where this service offers it (for example its mini-program), then sign in here.',
  },
  retry: 'Sign in again',
  backToApp: 'Back to the application',
  snapshotTitle: 'Open the full page',
  snapshotBody: 'You are viewing a snapshot of this page, which cannot sign in. Tap "use the full service" at the bottom to open the full page, then sign in.',
  logoutTitle: 'Sign out',
  logoutLead: 'Do you want to sign out?',
  logoutConfirm: 'Sign out',
  logoutCancel: 'Stay signed in',
  loggedOutTitle: 'Signed out',
  loggedOutBody: 'You have signed out. You can close this page.',
  reference: 'Reference',
  scanTitle: 'Scan with the mini-program',
  scanLead: (client) => `Scan this mini-program code with WeChat, then confirm in the mini-program to sign in to ${client}.`,
  scanImageAlt: 'Mini-program code for signing in',
  scanStatus: {
    pending: 'Waiting for a scan…',
    scanned: 'Scanned. Confirm the sign-in on your phone.',
    confirmed: 'Confirmed. Signing you in…',
    rejected: 'The sign-in was cancelled on the phone.',
    expired: 'The code has expired. Get a new code and scan again.',
    lost: 'This sign-in is no longer valid. Please start again.',
  },
  scanAgain: 'Get a new code',
  bindTitle: 'First sign-in with this WeChat',
  bindLead: (client) => `This WeChat identity is not linked to any account yet. If you already use ${client} in the mini-program, link it to that account so you do not end up with two.`,
  linkExisting: 'Link to my existing account',
  linkExistingHint: 'Scan with the mini-program you are signed in to, and confirm there.',
  createNew: 'Create a new account',
  createRefused: 'This application does not create new accounts: scan with the mini-program to link to the account you already have.',
};

export function textFor(language: PageLanguage): PageText {
  return language === 'en' ? EN : ZH;
}
