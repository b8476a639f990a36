/**
 * The span exporter wxbridge hands the SDK: the OTLP exporter behind a redaction of every span's name,
 * attributes, events and links (span-redaction.ts). Redacting at export sees each attribute however and
 * whenever an instrumentation set it — at start, in a hook or at the end — which a processor's onStart
 * would not.
 */
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { redactAttributes, redactString } from './span-redaction.ts';

type SpanExporter = NodeSDKConfiguration['traceExporter'];
type ReadableSpan = Parameters<SpanExporter['export']>[0][number];

/** The same span seen through redacted fields (its methods, like spanContext(), still answer). */
function redacted(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    name: { value: redactString(span.name) },
    attributes: { value: redactAttributes(span.attributes) },
    events: { value: span.events.map((event) => ({ ...event, name: redactString(event.name), ...(event.attributes === undefined ? {} : { attributes: redactAttributes(event.attributes) }) })) },
    links: { value: span.links.map((link) => ({ ...link, ...(link.attributes === undefined ? {} : { attributes: redactAttributes(link.attributes) }) })) },
  }) as ReadableSpan;
}

export function redactingExporter(inner: SpanExporter): SpanExporter {
  return {
    export(spans, done) { inner.export(spans.map(redacted), done); },
    shutdown: () => inner.shutdown(),
    ...(inner.forceFlush === undefined ? {} : { forceFlush: () => inner.forceFlush?.() ?? Promise.resolve() }),
  };
}
