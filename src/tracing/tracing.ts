/**
 * OpenTelemetry tracing (issue 19 #2), on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans go as
 * OTLP/HTTP JSON to `<endpoint>/v1/traces`, every one through the redacting exporter. Started by the
 * process entry before the app's modules load, so that the instrumentations see `pg` and `http` being
 * loaded: incoming HTTP (server spans), fetch (undici: the WeChat calls) and PostgreSQL (one span per
 * query, only inside a traced request — the periodic key reloads and cleanups would be noise). wxbridge's
 * own spans (the token endpoint, each WeChat call) come from @opentelemetry/api, a no-op while this is off.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { Config } from '../config.ts';
import { redactingExporter } from './redacting-exporter.ts';

export interface Tracing {
  /** Exports what is still buffered, then stops (SIGTERM: after the drain, before exit). */
  shutdown(): Promise<void>;
}

export function startTracing(config: Config['tracing']): Tracing | undefined {
  if (config.otlpEndpoint === undefined) return undefined;
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    traceExporter: redactingExporter(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` })),
    instrumentations: [
      new HttpInstrumentation(),
      new UndiciInstrumentation(),
      // Statements only, never their parameters (enhancedDatabaseReporting off is the default; said here on purpose).
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
