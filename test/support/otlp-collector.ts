/**
 * A tiny OpenTelemetry collector on a real socket: accepts OTLP/HTTP trace exports in the JSON encoding
 * (what @opentelemetry/exporter-trace-otlp-http sends: `content-type: application/json`, ids as hex) and
 * keeps every raw body and every span, attributes flattened, for the tests to search.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export interface CollectedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly serviceName: string | undefined;
}

export interface OtlpCollector {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly spans: CollectedSpan[];
  /** Every request body as received, for "never contains" searches. */
  readonly bodies: string[];
  /** The content types the exporter sent. */
  readonly contentTypes: string[];
}

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpKeyValue { key: string; value: OtlpValue }
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: { name: string; traceId: string; spanId: string; parentSpanId?: string; kind: number; attributes?: OtlpKeyValue[] }[] }[];
  }[];
}

function flatten(attributes: readonly OtlpKeyValue[] = []): Record<string, string | number | boolean> {
  const flat: Record<string, string | number | boolean> = {};
  for (const { key, value } of attributes) {
    const v = value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.boolValue ?? value.doubleValue;
    if (v !== undefined) flat[key] = v;
  }
  return flat;
}

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const collected: OtlpCollector = { url: '', spans: [], bodies: [], contentTypes: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      collected.bodies.push(body);
      collected.contentTypes.push(req.headers['content-type'] ?? '');
      const parsed = JSON.parse(body) as OtlpExport;
      for (const resourceSpans of parsed.resourceSpans ?? []) {
        const serviceName = flatten(resourceSpans.resource?.attributes)['service.name'];
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            collected.spans.push({
              name: span.name, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
              kind: span.kind, attributes: flatten(span.attributes), serviceName: typeof serviceName === 'string' ? serviceName : undefined,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  afterAll(() => new Promise<void>((resolve) => { server.close(() => { resolve(); }); server.closeAllConnections(); }));
  return { ...collected, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans: collected.spans, bodies: collected.bodies, contentTypes: collected.contentTypes };
}
