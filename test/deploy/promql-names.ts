/**
 * Just enough PromQL reading to check a dashboard against src/metrics/metric-names.ts: the metric names
 * an expression selects, the labels its selectors match on (with the exact values they compare to), and
 * the labels its `by (…)` / `without (…)` clauses group by. Not a parser: dashboards use plain PromQL.
 */

export interface Matcher { readonly label: string; readonly operator: string; readonly value: string }
export interface Selector { readonly metric: string; readonly matchers: readonly Matcher[] }
export interface ExpressionNames {
  readonly metrics: readonly string[];
  readonly selectors: readonly Selector[];
  readonly groupingLabels: readonly string[];
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);
const IDENTIFIER = /[a-zA-Z_:][\w:]*/g;

export function namesIn(expression: string): ExpressionNames {
  const selectors: Selector[] = [];
  for (const match of expression.matchAll(/([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}/g)) {
    const matchers = [...(match[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)]
      .map(([, label = '', operator = '', value = '']) => ({ label, operator, value }));
    selectors.push({ metric: match[1] ?? '', matchers });
  }
  const groupingLabels = [...expression.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)]
    .flatMap((match) => (match[1] ?? '').split(',').map((label) => label.trim()).filter((label) => label !== ''));
  // What is left once strings, selectors' braces, ranges and grouping clauses are gone: functions
  // (followed by "("), keywords, numbers and metric names.
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const metrics = new Set<string>();
  for (const match of bare.matchAll(IDENTIFIER)) {
    const name = match[0];
    const following = bare.slice((match.index) + name.length).trimStart();
    const precededByDigit = /[\d.]$/.test(bare.slice(0, match.index));
    if (following.startsWith('(') || KEYWORDS.has(name.toLowerCase()) || precededByDigit) continue;
    metrics.add(name);
  }
  return { metrics: [...metrics], selectors, groupingLabels };
}
