import { Client, Connection, ServiceError } from '@temporalio/client';
import { callWithinDeadline } from './temporal';
import { ProblemError } from './problem';

// The status codes of gRPC, and an error shaped as @grpc/grpc-js reports one, wrapped as the SDK wraps it.
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const grpcFailure = (code: number, details: string) =>
  new ServiceError('Failed to get Workflow execution history', {
    cause: Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} }),
  });

// A lazy connection never dials: these tests are about how failures are read, not about the server.
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const within = (failure: Error) =>
  callWithinDeadline(client, { deadlineMs: 1_000, unavailable: 'Try again' }, () => Promise.reject(failure));

describe('callWithinDeadline', () => {
  it.each([
    ['the client timed out', DEADLINE_EXCEEDED, 'Deadline exceeded'],
    ['the server reset the stream at the deadline', CANCELLED, 'Call cancelled'],
  ])('makes a missed deadline a 503 with Retry-After when %s', async (_, code, details) => {
    const failure = await within(grpcFailure(code, details)).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ProblemError);
    expect((failure as ProblemError).problem).toMatchObject({ status: 503, detail: 'Try again' });
    expect((failure as ProblemError).headers['retry-after']).toBe('5');
  });

  it('lets every other failure through as it came', async () => {
    const notFound = grpcFailure(NOT_FOUND, 'workflow not found');

    await expect(within(notFound)).rejects.toBe(notFound);
  });

  it('returns what the call answers in time', async () => {
    await expect(
      callWithinDeadline(client, { deadlineMs: 1_000, unavailable: 'x' }, async () => 42),
    ).resolves.toBe(42);
  });
});
