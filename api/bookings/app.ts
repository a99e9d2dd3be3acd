import {
  type Client,
  isGrpcDeadlineError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { z } from 'zod';
import { createServiceApp } from '@kvartirnsk/lib/http';
import { isoDateSchema } from '@kvartirnsk/lib/dates';
import type { Logger } from '@kvartirnsk/lib/logger';
import { badRequest, notFound, parseOrThrow, serviceUnavailable } from '@kvartirnsk/lib/problem';
import type { BookingsDb } from '@kvartirnsk/activities/bookings/schema';
import { stayViolations } from '@kvartirnsk/activities/bookings/stay-rules';
import {
  BOOKINGS_TASK_QUEUE,
  bookingStateQuery,
  bookingWorkflowId,
  type BookingRequest,
} from '@kvartirnsk/workflows/bookings/contract';
import { bookingWorkflow } from '@kvartirnsk/workflows/bookings/booking-workflow';
import { ListingIdKey, GuestIdKey } from '@kvartirnsk/temporal/search-attributes';

const MAX_GUESTS = 16;
/** How long a status query may wait for a booking worker before we say the service is degraded. */
const QUERY_DEADLINE_MS = 5_000;

export const createBookingBody = z
  .object({
    /** Chosen by the client once per booking attempt, so a retried or double-clicked request is the same booking. */
    bookingId: z.uuid(),
    listingId: z.string().trim().min(1).max(64),
    guestId: z.string().trim().min(1).max(64),
    checkIn: isoDateSchema,
    checkOut: isoDateSchema,
    guests: z.number().int().min(1).max(MAX_GUESTS),
  })
  .strict()
  .refine((body) => body.checkOut > body.checkIn, { path: ['checkOut'], message: 'must be after checkIn' })
  .refine((body) => body.checkIn >= yesterday(), { path: ['checkIn'], message: 'must not be in the past' });

// A day of slack: the guest's "today" may still be yesterday in UTC.
function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

const bookingIdParam = z.object({ id: z.uuid() });

export interface BookingsAppDeps {
  db: BookingsDb;
  temporal: Client;
  logger: Logger;
}

export function createBookingsApp({ db, temporal, logger }: BookingsAppDeps) {
  return createServiceApp({
    logger,
    readiness: async () => {
      await db.selectFrom('listings').select('id').limit(1).execute();
    },
    routes(app) {
      app.post('/bookings', async (req, res) => {
        const body = parseOrThrow(createBookingBody, req.body);
        const listing = await db
          .selectFrom('listings')
          .selectAll()
          .where('id', '=', body.listingId)
          .executeTakeFirst();
        const violations = stayViolations(listing, body);
        if (violations.length > 0) {
          throw badRequest(
            violations.map((v) => `${v.field}: ${v.message}`).join('; '),
            violations.map((v) => ({ field: v.field, pointer: `/${v.field}`, detail: v.message })),
          );
        }
        const request: BookingRequest = { ...body, requestId: res.locals.requestId as string };
        const workflowId = bookingWorkflowId(body.bookingId);
        try {
          await temporal.workflow.start(bookingWorkflow, {
            workflowId,
            taskQueue: BOOKINGS_TASK_QUEUE,
            args: [request],
            // A second request with the same booking id attaches to the running flow instead of starting another.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            memo: { requestId: request.requestId },
            typedSearchAttributes: [
              { key: ListingIdKey, value: body.listingId },
              { key: GuestIdKey, value: body.guestId },
            ],
          });
        } catch (err) {
          // The flow already ran to its end: the booking exists, so the retry is answered with it.
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        res
          .status(202)
          .location(`/bookings/${body.bookingId}`)
          .json({ bookingId: body.bookingId, workflowId });
      });

      app.get('/bookings/:id', async (req, res) => {
        const { id } = parseOrThrow(bookingIdParam, req.params);
        const handle = temporal.workflow.getHandle(bookingWorkflowId(id));
        try {
          const state = await temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
            handle.query(bookingStateQuery),
          );
          res.json(state);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw notFound(`No booking ${id}`);
          if (isGrpcDeadlineError(err))
            throw serviceUnavailable('Booking workers are not answering; try again shortly');
          throw err;
        }
      });
    },
  });
}
