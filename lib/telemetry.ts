/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (tests and the local stack need no
 * collector). Instrumentation patches `http` and `express` as they are loaded, so this module must run before
 * them: preload it, `node --import tsx --import ./lib/telemetry.ts api/<service>/server.ts`, and it starts itself
 * from the standard OTEL_* variables (OTEL_SERVICE_NAME, else a name taken from the entry file's path).
 */
import path from 'node:path';
import type { SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Health checks and scrapes arrive every few seconds and explain nothing about a request. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

export interface TelemetryOptions {
  serviceName: string;
  /** Where finished spans go; by default batched to the OTLP/HTTP endpoint of the OTEL_EXPORTER_OTLP_* variables. */
  spanProcessor?: SpanProcessor;
}

export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** Registers the global tracer provider, W3C trace-context propagation and the http/express instrumentation. */
export function startTelemetry({ serviceName, spanProcessor }: TelemetryOptions): Tracing {
  if (active) return active;
  const resource = defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));
  const processor =
    spanProcessor ??
    new BatchSpanProcessor({
      exporter: new OTLPTraceExporter(),
      // The processor no longer reads the spec's variable itself when given explicitly.
      scheduledDelayMillis: Number(process.env.OTEL_BSP_SCHEDULE_DELAY) || undefined,
    });
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [processor],
    // Traces only: metrics are Prometheus's (lib/metrics.ts), logs are pino's on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      // Route handlers name the request's span after the route pattern; a span per middleware is noise.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    ],
  });
  sdk.start();
  const tracing: Tracing = {
    resource,
    spanProcessor: processor,
    shutdown: async () => {
      active = undefined;
      await sdk.shutdown();
    },
  };
  active = tracing;
  return tracing;
}

/** The running tracing pipeline, if any: worker pools hand it to Temporal's workflow span exporter. */
export function activeTracing(): Tracing | undefined {
  return active;
}

/** Flushes spans still batched; processes call it on their way out. */
export async function shutdownTelemetry(): Promise<void> {
  await active?.shutdown();
}

/** The span shape Temporal's workflow exporter still produces (OpenTelemetry JS 1.x). */
type LegacyReadableSpan = ReadableSpan & {
  parentSpanId?: string;
  instrumentationLibrary?: ReadableSpan['instrumentationScope'];
};

/**
 * Workflow spans are made inside the workflow sandbox and handed out through a sink in the 1.x span shape
 * (`parentSpanId`, `instrumentationLibrary`); this exporter pipeline reads `parentSpanContext` and
 * `instrumentationScope`. Translating keeps workflow spans attached to their parents in the trace.
 */
export function legacySpanShapeAdapter(next: SpanProcessor): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnd(span) {
      const legacy = span as LegacyReadableSpan;
      const own = span.spanContext();
      const parentSpanContext: SpanContext | undefined =
        legacy.parentSpanContext ??
        (legacy.parentSpanId
          ? { traceId: own.traceId, spanId: legacy.parentSpanId, traceFlags: own.traceFlags }
          : undefined);
      next.onEnd({
        ...span,
        spanContext: () => own,
        parentSpanContext,
        instrumentationScope: legacy.instrumentationScope ??
          legacy.instrumentationLibrary ?? { name: 'temporal' },
      });
    },
    // The wrapped processor belongs to the SDK, which flushes and shuts it down.
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
}

/** `api/users/server.ts` → api-users, `workers/booking.ts` → worker-booking, `api/search/indexer.ts` → api-search-indexer. */
export function serviceNameOf(entryFile: string, root = path.resolve(__dirname, '..')): string {
  const relative = path.relative(root, entryFile).replace(/\.[cm]?[jt]s$/, '');
  return relative
    .replace(/\/server$/, '')
    .replace(/^workers\//, 'worker/')
    .split(path.sep)
    .join('-');
}

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT && process.env.OTEL_SDK_DISABLED !== 'true') {
  startTelemetry({
    serviceName:
      process.env.OTEL_SERVICE_NAME ?? serviceNameOf(path.resolve(process.argv[1] ?? 'kvartirnsk')),
  });
}
