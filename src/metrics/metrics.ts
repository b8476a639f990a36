/**
 * The Prometheus registry of one process (design.md §9), built from the definitions in
 * metric-names.ts so that the names the Grafana dashboard reads cannot drift from what is exposed.
 * One registry per service graph, never prom-client's global one: a test process runs several apps.
 * Callers get narrow recording functions; every label value is mapped onto a bounded set here, so no
 * caller can put a user identifier, a secret or an attacker-chosen string into a label.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SIGNING_KEY_STATES, TOKEN_GRANTS} from './metric-names.ts';
import {
  RATE_LIMITS, TOKEN_FAILURE_REASONS, WXBRIDGE_METRICS, type MetricDefinition,
} from './metric-names.ts';

export type TokenGrant = typeof TOKEN_GRANTS[number];
export type TokenFailureReason = typeof TOKEN_FAILURE_REASONS[number];
export type RateLimitName = typeof RATE_LIMITS[number];
export type SigningKeyState = typeof SIGNING_KEY_STATES[number];

/** The label value of every client id the registry does not know (an invented client_id is not a new series). */
export const UNKNOWN_CLIENT = 'unknown';
/** The route label of a request no router matched (a scanner's random paths are one series). */
export const UNMATCHED_ROUTE = 'unmatched';

/** What the audit log reports (src/audit/audit-log.ts `observer`). */
export interface AuditObserver {
  onRowsWritten(count: number): void;
  onRowsLost(count: number): void;
}

export interface WeChatCallSample {
  readonly endpoint: string;
  /** WeChat's errcode, 0 on success, or our name for a failure without one (unavailable, invalid_response). */
  readonly errcode: string;
  readonly seconds: number;
}

export interface DbPoolUsage { readonly idle: number; readonly used: number; readonly waiting: number }
export interface SigningKeyAge { readonly kid: string; readonly alg: string; readonly state: SigningKeyState; readonly ageSeconds: number }

export interface Metrics {
  readonly registry: Registry;
  observeHttpRequest(sample: { route: string; method: string; status: number; seconds: number }): void;
  /** `clientId`: a registered client's id, or undefined (unknown, unauthenticated) — counted as UNKNOWN_CLIENT. */
  countTokenRequest(sample: { grant: TokenGrant; clientId: string | undefined; reason: TokenFailureReason }): void;
  observeWeChatCall(sample: WeChatCallSample): void;
  countAccessTokenRefresh(forced: boolean): void;
  countPhoneQuotaExhausted(): void;
  countRateLimitRejection(limit: RateLimitName): void;
  readonly audit: AuditObserver;
  /** Read at every scrape. */
  trackDbPool(read: () => Promise<DbPoolUsage>): void;
  /** Read at every scrape. */
  trackSigningKeys(read: () => Promise<readonly SigningKeyAge[]>): void;
  /** prom-client's process metrics (CPU, memory, event loop, GC); for a serving process, once. */
  collectProcessMetrics(): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const labelsOf = (metric: MetricDefinition): string[] => Object.keys(metric.labels);

export function createMetrics(): Metrics {
  const registry = new Registry();
  const m = WXBRIDGE_METRICS;
  const counter = (metric: MetricDefinition): Counter => new Counter({ name: metric.name, help: metric.help, labelNames: labelsOf(metric), registers: [registry] });
  const histogram = (metric: MetricDefinition): Histogram =>
    new Histogram({ name: metric.name, help: metric.help, labelNames: labelsOf(metric), buckets: LATENCY_BUCKETS, registers: [registry] });

  const httpRequests = counter(m.httpRequests);
  const httpDuration = histogram(m.httpRequestDuration);
  const tokenRequests = counter(m.tokenRequests);
  const wechatCalls = counter(m.wechatCalls);
  const wechatDuration = histogram(m.wechatCallDuration);
  const accessTokenRefreshes = counter(m.wechatAccessTokenRefreshes);
  const rateLimitRejections = counter(m.rateLimitRejections);
  const auditWritten = counter(m.auditRowsWritten);
  const auditLost = counter(m.auditRowsLost);
  const phoneQuotaExhausted = counter(m.phoneQuotaExhausted);
  // Series without any event yet are shown at 0, so a dashboard's rate() has a start.
  auditWritten.inc(0);
  auditLost.inc(0);
  for (const limit of RATE_LIMITS) rateLimitRejections.inc({ limit }, 0);

  let readPool: (() => Promise<DbPoolUsage>) | undefined;
  new Gauge({
    name: m.dbPoolConnections.name, help: m.dbPoolConnections.help, labelNames: labelsOf(m.dbPoolConnections), registers: [registry],
    async collect() {
      if (readPool === undefined) return;
      const usage = await readPool();
      this.set({ state: 'idle' }, usage.idle);
      this.set({ state: 'used' }, usage.used);
      this.set({ state: 'waiting' }, usage.waiting);
    },
  });
  let readKeys: (() => Promise<readonly SigningKeyAge[]>) | undefined;
  new Gauge({
    name: m.signingKeyAge.name, help: m.signingKeyAge.help, labelNames: labelsOf(m.signingKeyAge), registers: [registry],
    // Every worker holds the same keys: the cluster view is one worker's value, not their sum.
    aggregator: 'max',
    async collect() {
      if (readKeys === undefined) return;
      const keys = await readKeys();
      this.reset(); // a key that left the JWKS leaves the scrape too
      for (const key of keys) this.set({ kid: key.kid, alg: key.alg, state: key.state }, key.ageSeconds);
    },
  });

  let processMetrics = false;
  return {
    registry,
    observeHttpRequest({ route, method, status, seconds }) {
      const methodLabel = HTTP_METHODS.has(method) ? method : 'OTHER';
      httpRequests.inc({ route, method: methodLabel, status: String(status) });
      httpDuration.observe({ route, method: methodLabel }, seconds);
    },
    countTokenRequest({ grant, clientId, reason }) {
      tokenRequests.inc({ grant, client_id: clientId ?? UNKNOWN_CLIENT, outcome: reason === 'none' ? 'success' : 'failure', reason });
    },
    observeWeChatCall({ endpoint, errcode, seconds }) {
      wechatCalls.inc({ endpoint, errcode });
      wechatDuration.observe({ endpoint }, seconds);
    },
    countPhoneQuotaExhausted() {
      phoneQuotaExhausted.inc();
    },
    countAccessTokenRefresh(forced) {
      accessTokenRefreshes.inc({ forced: String(forced) });
    },
    countRateLimitRejection(limit) {
      rateLimitRejections.inc({ limit });
    },
    audit: {
      onRowsWritten(count) { auditWritten.inc(count); },
      onRowsLost(count) { auditLost.inc(count); },
    },
    trackDbPool(read) { readPool = read; },
    trackSigningKeys(read) { readKeys = read; },
    collectProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry });
    },
  };
}

/** A token-endpoint error code as the bounded `reason` label (metric-names.ts TOKEN_FAILURE_REASONS). */
export function tokenFailureReason(error: unknown): TokenFailureReason {
  const code = (error as { error?: unknown } | null)?.error;
  return typeof code === 'string' && code !== 'none' && (TOKEN_FAILURE_REASONS as readonly string[]).includes(code) ? code as TokenFailureReason : 'other';
}
