/** The Overview page's words in zh-CN and English (issue 14 #4), one table per language. */
import type { PageLanguage } from '../../pages/page-language.ts';

/** "the last minute", "the last 60 minutes" */
const last = (minutes: number): string => (minutes === 1 ? 'the last minute' : `the last ${minutes} minutes`);

const en = {
  title: 'Overview',
  intro: (minutes: number) => `What wxbridge saw in ${last(minutes)}, the current one included. Times are UTC; reload the page for new numbers.`,
  window: 'Time window',
  windows: { 15: 'Last 15 minutes', 60: 'Last hour', 360: 'Last 6 hours', 1440: 'Last 24 hours' } as Record<number, string>,
  otherWindow: (minutes: number) => (minutes === 1 ? 'Last minute' : `Last ${minutes} minutes`),
  show: 'Show',
  loginsTitle: (bucket: number) => (bucket === 1 ? 'Sign-ins per minute' : `Sign-ins per ${bucket} minutes`),
  loginsSummary: (minutes: number, succeeded: number, failed: number, reasons: string) =>
    `Sign-ins in ${last(minutes)}: ${succeeded} succeeded, ${failed} failed${reasons === '' ? '' : ` (${reasons})`}.`,
  succeeded: 'Succeeded',
  failed: (reason: string) => `Failed: ${reason}`,
  reasons: {
    invalid_grant: 'code invalid, expired or used',
    temporarily_unavailable: 'WeChat unavailable or rate-limited',
    invalid_client: 'unknown client',
    unauthorized_client: 'client not allowed',
    invalid_request: 'malformed request',
    invalid_scope: 'scope not allowed',
    access_denied: 'access denied',
    server_error: 'server error',
  } as Record<string, string>,
  loginsEmpty: (minutes: number) => `No sign-in in ${last(minutes)}. To see one here: in the sandbox, play wx.login() with POST /sandbox/wx-login and exchange the code at /token (README, "Quick start"); otherwise sign in through one of your clients. Then reload this page.`,
  wechatTitle: (bucket: number) => (bucket === 1 ? 'WeChat errors per minute' : `WeChat errors per ${bucket} minutes`),
  wechatSummary: (minutes: number, calls: number, errors: number, codes: string) =>
    `WeChat calls in ${last(minutes)}: ${calls}, of which ${errors} failed${codes === '' ? '' : ` (${codes})`}.`,
  wechatNoCalls: (minutes: number) => `No call to WeChat in ${last(minutes)}. A call reaches this page within a minute of being made.`,
  wechatNoErrors: (minutes: number, calls: number) => `WeChat answered all ${calls} calls of ${last(minutes)} without an error.`,
  errcode: (errcode: string) => `Error ${errcode}`,
  errcodes: {
    '-1': 'WeChat was busy; the user may try again.',
    40029: 'The wx.login() code is invalid or expired: the mini-program should call wx.login() again.',
    40163: 'The code was already used: the mini-program should call wx.login() again.',
    40226: 'WeChat\'s risk control blocked the user.',
    45011: 'WeChat\'s per-minute limit for this app was reached: logins succeed again the next minute.',
    unavailable: 'WeChat did not answer in time or answered garbage; wxbridge asked the user to try again.',
  } as Record<string, string>,
  meanings: 'What the error codes mean',
  keysTitle: 'Signing key ages',
  keysSummary: (count: number, oldest: string) => `${count} signing keys; the oldest is ${oldest} old.`,
  keysEmpty: 'No signing key yet: wxbridge generates them at its first start.',
  keyStatuses: { pending: 'pending', signing: 'signing', retired: 'retired', removed: 'removed' } as Record<string, string>,
  days: (days: string) => `${days} days`,
  hours: (hours: number) => (hours === 0 ? 'under an hour' : hours === 1 ? '1 hour' : `${hours} hours`),
  numbers: 'The numbers as a table',
  minute: 'Minute (UTC)',
  total: 'Total',
  calls: 'Calls',
  busyOnly: 'Minutes with nothing to count are left out.',
  key: 'Key',
  alg: 'Algorithm',
  status: 'Status',
  created: 'Created (UTC)',
  age: 'Age',
  legend: (chart: string) => `Legend of ${chart}`,
};

const zh: typeof en = {
  title: '概览',
  intro: (minutes: number) => `wxbridge 最近 ${minutes} 分钟（含当前分钟）的情况。时间为 UTC；刷新页面可看到最新数字。`,
  window: '时间范围',
  windows: { 15: '最近 15 分钟', 60: '最近 1 小时', 360: '最近 6 小时', 1440: '最近 24 小时' },
  otherWindow: (minutes: number) => `最近 ${minutes} 分钟`,
  show: '显示',
  loginsTitle: (bucket: number) => (bucket === 1 ? '每分钟登录次数' : `每 ${bucket} 分钟登录次数`),
  loginsSummary: (minutes: number, succeeded: number, failed: number, reasons: string) =>
    `最近 ${minutes} 分钟的登录：成功 ${succeeded} 次，失败 ${failed} 次${reasons === '' ? '' : `（${reasons}）`}。`,
  succeeded: '成功',
  failed: (reason: string) => `失败：${reason}`,
  reasons: {
    invalid_grant: 'code 无效、过期或已使用',
    temporarily_unavailable: '微信不可用或触发频率限制',
    invalid_client: '未知客户端',
    unauthorized_client: '客户端无权使用',
    invalid_request: '请求格式错误',
    invalid_scope: 'scope 不允许',
    access_denied: '拒绝访问',
    server_error: '服务器错误',
  },
  loginsEmpty: (minutes: number) => `最近 ${minutes} 分钟没有登录。要在这里看到登录：在沙箱中用 POST /sandbox/wx-login 模拟 wx.login()，再到 /token 换取令牌（见 README“快速开始”）；或者通过你的某个客户端登录。然后刷新本页。`,
  wechatTitle: (bucket: number) => (bucket === 1 ? '每分钟微信接口错误' : `每 ${bucket} 分钟微信接口错误`),
  wechatSummary: (minutes: number, calls: number, errors: number, codes: string) =>
    `最近 ${minutes} 分钟调用微信接口 ${calls} 次，其中失败 ${errors} 次${codes === '' ? '' : `（${codes}）`}。`,
  wechatNoCalls: (minutes: number) => `最近 ${minutes} 分钟没有调用微信接口。调用后一分钟内会显示在本页。`,
  wechatNoErrors: (minutes: number, calls: number) => `最近 ${minutes} 分钟的 ${calls} 次微信接口调用全部成功。`,
  errcode: (errcode: string) => `错误码 ${errcode}`,
  errcodes: {
    '-1': '微信系统繁忙，用户可以重试。',
    40029: 'wx.login() 的 code 无效或已过期：小程序应重新调用 wx.login()。',
    40163: 'code 已被使用：小程序应重新调用 wx.login()。',
    40226: '用户被微信风控拦截。',
    45011: '该应用达到微信每分钟调用上限：下一分钟即可再次登录。',
    unavailable: '微信没有及时响应或返回了无法解析的内容；wxbridge 已提示用户重试。',
  },
  meanings: '错误码的含义',
  keysTitle: '签名密钥的年龄',
  keysSummary: (count: number, oldest: string) => `共 ${count} 个签名密钥；最老的密钥年龄：${oldest}。`,
  keysEmpty: '还没有签名密钥：wxbridge 首次启动时会生成。',
  keyStatuses: { pending: '待启用', signing: '签名中', retired: '已退役', removed: '已移除' },
  days: (days: string) => `${days} 天`,
  hours: (hours: number) => (hours === 0 ? '不到 1 小时' : `${hours} 小时`),
  numbers: '以表格查看数字',
  minute: '分钟（UTC）',
  total: '合计',
  calls: '调用次数',
  busyOnly: '没有任何计数的分钟已省略。',
  key: '密钥',
  alg: '算法',
  status: '状态',
  created: '创建时间（UTC）',
  age: '年龄',
  legend: (chart: string) => `${chart}的图例`,
};

export type OverviewText = typeof en;

export function overviewText(language: PageLanguage): OverviewText {
  return language === 'en' ? en : zh;
}
