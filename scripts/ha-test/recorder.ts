/**
 * Every request of the HA run goes through here: sent to the balancer, timed, and classed as a success,
 * a clean refusal (429 or 503 with Retry-After, from wxbridge or from the balancer's error files) or a
 * violation (anything else: a 5xx without Retry-After, an unexpected 4xx, a connection error).
 */

export type Kind = 'login' | 'refresh' | 'phone login' | 'phone' | 'jwks' | 'discovery' | 'client_credentials';
export type ResponseClass = 'success' | '429 + Retry-After' | '503 + Retry-After (wxbridge)' | '503 + Retry-After (balancer)' | 'violation';
export const RESPONSE_CLASSES: readonly ResponseClass[] = ['success', '429 + Retry-After', '503 + Retry-After (wxbridge)', '503 + Retry-After (balancer)', 'violation'];

export interface Answer {
  readonly status: number;
  readonly class: ResponseClass;
  readonly retryAfterSeconds: number | undefined;
  readonly json: Record<string, unknown> | undefined;
}

export interface Recorder {
  send(kind: Kind, path: string, init?: RequestInit): Promise<Answer>;
  readonly counts: ReadonlyMap<Kind, Map<ResponseClass, number>>;
  /** Latencies of successful requests, per kind, in ms. */
  readonly latencies: ReadonlyMap<Kind, number[]>;
  readonly violations: readonly string[];
}

export function createRecorder(baseUrl: string): Recorder {
  const origin = performance.now();
  const counts = new Map<Kind, Map<ResponseClass, number>>();
  const latencies = new Map<Kind, number[]>();
  const violations: string[] = [];
  const count = (kind: Kind, responseClass: ResponseClass): void => {
    const perClass = counts.get(kind) ?? new Map<ResponseClass, number>();
    perClass.set(responseClass, (perClass.get(responseClass) ?? 0) + 1);
    counts.set(kind, perClass);
  };
  return {
    counts,
    latencies,
    violations,
    async send(kind, path, init) {
      const started = performance.now();
      let answer: Answer;
      try {
        const response = await fetch(`${baseUrl}${path}`, init);
        const text = await response.text();
        answer = classify(response, text);
      } catch (error) {
        answer = { status: 0, class: 'violation', retryAfterSeconds: undefined, json: { error: String((error as { cause?: unknown }).cause ?? error) } };
      }
      count(kind, answer.class);
      if (answer.class === 'success') {
        const list = latencies.get(kind) ?? [];
        list.push(performance.now() - started);
        latencies.set(kind, list);
      }
      if (answer.class === 'violation' && violations.length < 50) violations.push(`at ${((started - origin) / 1000).toFixed(1)} s, ${kind} ${path}: ${String(answer.status)} ${JSON.stringify(answer.json)}`);
      return answer;
    },
  };
}

function classify(response: Response, text: string): Answer {
  const json = parseJson(text);
  const retryAfter = response.headers.get('retry-after');
  const retryAfterSeconds = retryAfter === null ? undefined : Number(retryAfter);
  const clean = retryAfterSeconds !== undefined && Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0;
  const fromBalancer = typeof json?.['error_description'] === 'string' && json['error_description'].includes('wxbridge instance');
  const responseClass: ResponseClass = response.ok ? 'success'
    : response.status === 429 && clean ? '429 + Retry-After'
      : response.status === 503 && clean ? (fromBalancer ? '503 + Retry-After (balancer)' : '503 + Retry-After (wxbridge)')
        : 'violation';
  return { status: response.status, class: responseClass, retryAfterSeconds, json };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return text === '' ? undefined : { raw: text.slice(0, 200) };
  }
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
