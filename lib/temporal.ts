import { Client, Connection, isGrpcCancelledError, isGrpcDeadlineError } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { serviceUnavailable } from './problem';

export interface TemporalConfig {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
}

/**
 * A client for APIs: start, signal, update and query workflows. Close the connection on shutdown. The
 * interceptor carries the caller's trace into the workflow (a no-op unless tracing is on, lib/telemetry.ts).
 */
export async function connectTemporalClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
  });
}

/**
 * Runs a call into a workflow (a query, an update, a start that waits for the result) that must answer within
 * `deadlineMs`. Workers that do not answer in time make it a 503 whose detail, `unavailable`, tells the caller
 * what to do; the workflow itself goes on.
 */
export async function callWithinDeadline<T>(
  client: Client,
  { deadlineMs, unavailable }: { deadlineMs: number; unavailable: string },
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + deadlineMs, call);
  } catch (err) {
    // The server gets the deadline too, and when its own timer fires first it resets the stream, which the
    // client reports as CANCELLED rather than DEADLINE_EXCEEDED (about 3 % of missed deadlines here). Nothing
    // of ours cancels these calls, so a cancelled one is a missed deadline.
    if (isGrpcDeadlineError(err) || isGrpcCancelledError(err)) throw serviceUnavailable(unavailable);
    throw err;
  }
}
