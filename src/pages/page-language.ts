/**
 * The language of the hosted pages (issue 13 #3): zh-CN or English, by `Accept-Language` (RFC 9110
 * §12.5.4, highest q first); Chinese when the browser names neither, as most of WeChat's users read it.
 */
export type PageLanguage = 'zh-CN' | 'en';

export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  const ranges = (acceptLanguage ?? '').split(',').map((part, index) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
  }).filter((range) => range.tag !== '' && range.q > 0);
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh-CN';
}
