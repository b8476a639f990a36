/**
 * Every metric wxbridge exposes at `/metrics` (design.md §9): name, type, help and labels with their
 * bounded values. The metrics code registers from this list, and the deployment files (the Grafana
 * dashboard in deploy/grafana/) are checked against it, so a renamed metric cannot silently blank a panel.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A label's allowed values, or 'open' for a bounded set that comes from data (routes, client ids, kids). */
export type LabelValues = readonly string[] | 'open';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: Readonly<Record<string, LabelValues>>;
}

export const TOKEN_GRANTS = ['wechat_code', 'authorization_code', 'refresh_token', 'client_credentials', 'other'] as const;
export const TOKEN_OUTCOMES = ['success', 'failure'] as const;
/**
 * `reason` of a token request: `none` on success, else the OAuth error code (RFC 6749 §5.2, RFC 8707
 * invalid_target, temporarily_unavailable for 429/503, server_error); any other code is `other`, so the
 * label's cardinality stays bounded whatever a library answers.
 */
export const TOKEN_FAILURE_REASONS = [
  'none', 'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type',
  'invalid_scope', 'invalid_target', 'temporarily_unavailable', 'server_error', 'other',
] as const;
/** The rate limits of docs/decisions/0013, plus WeChat's own code-exchange limit (45011). */
export const RATE_LIMITS = ['client', 'ip', 'auth_failure', 'failed_code', 'code_exchange', 'scan_code'] as const;
export const DB_POOL_STATES = ['idle', 'used', 'waiting'] as const;
export const SIGNING_KEY_STATES = ['pending', 'signing', 'retired'] as const;
const BOOLEAN = ['true', 'false'] as const;

export const WXBRIDGE_METRICS = {
  httpRequests: {
    name: 'wxbridge_http_requests_total', type: 'counter', help: 'HTTP requests answered, by route template, method and status',
    labels: { route: 'open', method: 'open', status: 'open' },
  },
  httpRequestDuration: {
    name: 'wxbridge_http_request_duration_seconds', type: 'histogram', help: 'Time to answer an HTTP request',
    labels: { route: 'open', method: 'open' },
  },
  tokenRequests: {
    name: 'wxbridge_token_requests_total', type: 'counter', help: 'Token-endpoint requests by grant, client, outcome and failure reason',
    labels: { grant: TOKEN_GRANTS, client_id: 'open', outcome: TOKEN_OUTCOMES, reason: TOKEN_FAILURE_REASONS },
  },
  wechatCalls: {
    name: 'wxbridge_wechat_calls_total', type: 'counter', help: 'Calls to the WeChat API by endpoint and errcode (0 = success)',
    labels: { endpoint: 'open', errcode: 'open' },
  },
  wechatCallDuration: {
    name: 'wxbridge_wechat_call_duration_seconds', type: 'histogram', help: 'Time of one WeChat API call', labels: { endpoint: 'open' },
  },
  wechatAccessTokenRefreshes: {
    name: 'wxbridge_wechat_access_token_refreshes_total', type: 'counter',
    help: 'stable_token calls made by this instance (docs/decisions/0010); forced = after WeChat rejected the token',
    labels: { forced: BOOLEAN },
  },
  // Issue 17 #6: the operator's signal that the app's paid phone-number quota is used up (each refusal is
  // also audited as account.phone_quota_exhausted); no label, one series: the configured apps are few.
  phoneQuotaExhausted: {
    name: 'wxbridge_phone_quota_exhausted_total', type: 'counter', help: "getuserphonenumber calls WeChat refused because the app's phone-number quota is used up", labels: {},
  },
  rateLimitRejections: {
    name: 'wxbridge_rate_limit_rejections_total', type: 'counter', help: 'Requests answered 429 by a rate limit', labels: { limit: RATE_LIMITS },
  },
  dbPoolConnections: {
    name: 'wxbridge_db_pool_connections', type: 'gauge', help: 'PostgreSQL pool connections (idle, used) and requests waiting for one',
    labels: { state: DB_POOL_STATES },
  },
  signingKeyAge: {
    name: 'wxbridge_signing_key_age_seconds', type: 'gauge', help: 'Age of each published signing key',
    labels: { kid: 'open', alg: 'open', state: SIGNING_KEY_STATES },
  },
  auditRowsWritten: { name: 'wxbridge_audit_rows_written_total', type: 'counter', help: 'Audit events written', labels: {} },
  auditRowsLost: { name: 'wxbridge_audit_rows_lost_total', type: 'counter', help: 'Audit events whose write failed (logged, never retried)', labels: {} },
} as const satisfies Record<string, MetricDefinition>;

/** The process metrics prom-client's collectDefaultMetrics() registers (checked against prom-client in the unit test). */
export const DEFAULT_PROCESS_METRICS = [
  'process_cpu_user_seconds_total', 'process_cpu_system_seconds_total', 'process_cpu_seconds_total', 'process_start_time_seconds',
  'process_resident_memory_bytes', 'process_virtual_memory_bytes', 'process_heap_bytes', 'process_open_fds', 'process_max_fds',
  'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_min_seconds', 'nodejs_eventloop_lag_max_seconds', 'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds', 'nodejs_eventloop_lag_p50_seconds', 'nodejs_eventloop_lag_p90_seconds', 'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_resources', 'nodejs_active_resources_total', 'nodejs_active_handles', 'nodejs_active_handles_total',
  'nodejs_active_requests', 'nodejs_active_requests_total', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes', 'nodejs_heap_space_size_total_bytes', 'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_available_bytes', 'nodejs_version_info', 'nodejs_gc_duration_seconds',
] as const;

/** The series names a scrape shows for a metric: a histogram is its _bucket, _sum and _count series. */
export function seriesNames(metric: MetricDefinition): string[] {
  return metric.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => `${metric.name}${suffix}`) : [metric.name];
}
