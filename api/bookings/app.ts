import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Request } from 'express';
import { z } from 'zod';
import type { BookingsDb } from '@kvartirnsk/activities/bookings/schema';
import { stayViolations } from '@kvartirnsk/activities/bookings/stay-rules';
import { isoDateSchema } from '@kvartirnsk/lib/dates';
import { withoutNul } from '@kvartirnsk/lib/text';
import { createServiceApp } from '@kvartirnsk/lib/http';
import { type Actor, forbidden, hasRole, requireActor } from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { badRequest, notFound, ProblemError, problemType } from '@kvartirnsk/lib/problem';
import { callWithinDeadline } from '@kvartirnsk/lib/temporal';
import { pageCursor } from '@kvartirnsk/lib/page-cursor';
import { GuestIdKey, ListingIdKey } from '@kvartirnsk/temporal/search-attributes';
import {
  approveUpdate,
  BOOKING_STATUSES,
  BOOKINGS_TASK_QUEUE,
  BookingFailureType,
  bookingStateQuery,
  bookingWorkflowId,
  cancelUpdate,
  declineUpdate,
  openBookingUpdate,
  type BookingParty,
  type BookingRequest,
  type BookingState,
  type BookingTerms,
  isTerminal,
} from '@kvartirnsk/workflows/bookings/contract';
import { bookingWorkflow } from '@kvartirnsk/workflows/bookings/booking-workflow';
import { bookingPageSchema, bookingsComponents, bookingStateSchema } from './openapi';

const MAX_GUESTS = 16;
/** How long a call into a booking workflow may wait for a worker before we say the service is degraded. */
const WORKFLOW_DEADLINE_MS = 10_000;
const PAGE_SIZE = 20;

// A day of slack: the guest's "today" may still be yesterday in UTC.
function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

export const createBookingBody = z
  .object({
    /** Chosen by the client once per booking attempt, so a retried or double-clicked request is the same booking. */
    bookingId: z.uuid(),
    listingId: withoutNul(z.string().trim().min(1).max(64)),
    checkIn: isoDateSchema,
    checkOut: isoDateSchema,
    guests: z.number().int().min(1).max(MAX_GUESTS),
    /** A payment method id from the card form (Stripe Elements); a test card is used when absent. */
    paymentMethod: z
      .string()
      .regex(/^pm_[A-Za-z0-9_]{1,100}$/, 'must be a payment method id (pm_...)')
      .optional(),
  })
  .strict()
  .refine((body) => body.checkOut > body.checkIn, { path: ['checkOut'], message: 'must be after checkIn' })
  .refine((body) => body.checkIn >= yesterday(), { path: ['checkIn'], message: 'must not be in the past' });

const bookingIdParam = z.object({ id: z.uuid() });
const reasonBody = z.object({ reason: withoutNul(z.string().trim().min(1).max(500)).optional() }).strict();
const listQuery = z
  .object({
    as: z.enum(['guest', 'host']).default('guest'),
    status: z.enum(BOOKING_STATUSES).optional(),
    /** Only the bookings of this listing (a host's calendar of one flat). */
    listingId: withoutNul(z.string().trim().min(1).max(64)).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(PAGE_SIZE),
    /** Opaque: the creation time and id of the last booking of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();

const reasonRoute = (action: 'approve' | 'decline' | 'cancel', summary: string, problems: number[]) =>
  defineRoute({
    method: 'post',
    path: `/bookings/:id/${action}`,
    operationId: `${action}Booking`,
    summary,
    security: 'bearer',
    params: bookingIdParam,
    body: reasonBody,
    bodyRequired: false,
    responses: { 200: bookingStateSchema },
    problems,
  });

// Handlers validate with these declarations, and the service's OpenAPI document is written from them.
export const bookingsRoutes = {
  create: defineRoute({
    method: 'post',
    path: '/bookings',
    operationId: 'createBooking',
    summary: 'Book a stay (idempotent by bookingId)',
    description:
      'Answers once the dates are held or refused. Instant Book listings confirm on their own; a request ' +
      'to book waits for the host.',
    security: 'bearer',
    body: createBookingBody,
    responses: { 201: bookingStateSchema },
    problems: [409, 503],
  }),
  list: defineRoute({
    method: 'get',
    path: '/bookings',
    operationId: 'listBookings',
    summary: "The caller's bookings as guest or as host, newest first",
    security: 'bearer',
    query: listQuery,
    responses: { 200: bookingPageSchema },
  }),
  get: defineRoute({
    method: 'get',
    path: '/bookings/:id',
    operationId: 'getBooking',
    summary: 'A booking as its workflow sees it',
    security: 'bearer',
    params: bookingIdParam,
    responses: { 200: bookingStateSchema },
    problems: [404, 503],
  }),
  approve: reasonRoute('approve', 'Approve a request to book (host)', [403, 404, 409, 503]),
  decline: reasonRoute('decline', 'Decline a request to book (host)', [403, 404, 409, 503]),
  cancel: reasonRoute('cancel', 'Cancel a booking (guest, host or admin)', [404, 409, 503]),
};

const pages = pageCursor(z.object({ createdAt: z.iso.datetime(), id: z.uuid() }));

export interface BookingsAppDeps {
  db: BookingsDb;
  temporal: Client;
  logger: Logger;
  terms: BookingTerms;
  /** How long a call into a booking workflow may wait for a worker; WORKFLOW_DEADLINE_MS unless a test says. */
  workflowDeadlineMs?: number;
}

const wrongStatus = (detail: string) =>
  new ProblemError({
    type: problemType('wrong-status'),
    title: 'Not possible in this state',
    status: 409,
    detail,
  });

const datesUnavailable = (bookingId: string) =>
  new ProblemError({
    type: problemType('dates-unavailable'),
    title: 'Dates unavailable',
    status: 409,
    detail: 'These dates are already booked at this listing',
    bookingId,
  });

/** The business reason inside a failed update or workflow call, if there is one. */
function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) return cause;
  }
  return undefined;
}

/** Which party the actor is in this booking, or nothing if the booking is none of theirs. */
function partyOf(actor: Actor, state: Pick<BookingState, 'guestId' | 'quote'>): BookingParty | undefined {
  if (hasRole(actor, 'admin')) return 'admin';
  if (state.quote?.hostId === actor.userId) return 'host';
  if (state.guestId === actor.userId) return 'guest';
  return undefined;
}

export function createBookingsApp({
  db,
  temporal,
  logger,
  terms,
  workflowDeadlineMs = WORKFLOW_DEADLINE_MS,
}: BookingsAppDeps) {
  const withinDeadline = <T>(unavailable: string, call: () => Promise<T>) =>
    callWithinDeadline(temporal, { deadlineMs: workflowDeadlineMs, unavailable }, call);

  /** Runs a call into a booking's workflow, turning Temporal's errors into the problems clients understand. */
  async function callWorkflow<T>(bookingId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withinDeadline('Booking workers are not answering; try again shortly', call);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`No booking ${bookingId}`);
      const failure = applicationFailureOf(err);
      if (err instanceof WorkflowUpdateFailedError && failure?.type === BookingFailureType.WRONG_STATUS) {
        throw wrongStatus(failure.message);
      }
      throw err;
    }
  }

  /** The booking as its workflow sees it, if the actor may see it at all (others get a 404, not a hint). */
  async function bookingFor(
    req: Request,
  ): Promise<{ actor: Actor; state: BookingState; party: BookingParty }> {
    const actor = requireActor(req);
    const { id } = bookingsRoutes.get.params(req);
    const state = await callWorkflow(id, () =>
      temporal.workflow.getHandle(bookingWorkflowId(id)).query(bookingStateQuery),
    );
    const party = partyOf(actor, state);
    if (!party) throw notFound(`No booking ${id}`);
    return { actor, state, party };
  }

  /** Starts the booking's workflow, or finds it if this booking id was already used; answers with its state. */
  async function open(request: BookingRequest): Promise<BookingState> {
    const workflowId = bookingWorkflowId(request.bookingId);
    const startWorkflowOperation = new WithStartWorkflowOperation(bookingWorkflow, {
      workflowId,
      taskQueue: BOOKINGS_TASK_QUEUE,
      args: [request, terms],
      // A second request with the same booking id attaches to the running flow instead of starting another.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { requestId: request.requestId },
      typedSearchAttributes: [
        { key: ListingIdKey, value: request.listingId },
        { key: GuestIdKey, value: request.guestId },
      ],
    });
    try {
      // The flow may have started before the deadline, and a retry with the same bookingId finds it.
      return await withinDeadline(
        'Booking workers are not answering; try again with the same bookingId',
        () => temporal.workflow.executeUpdateWithStart(openBookingUpdate, { startWorkflowOperation }),
      );
    } catch (err) {
      // The flow already ran to its end: the booking exists, so the retry is answered with it.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return callWorkflow(request.bookingId, () =>
        temporal.workflow.getHandle(workflowId).query(bookingStateQuery),
      );
    }
  }

  return createServiceApp({
    logger,
    readiness: async () => {
      await db.selectFrom('listings').select('id').limit(1).execute();
    },
    routes(app) {
      const api = new ServiceApi({
        info: { title: 'Kvartirnsk bookings', version: '1' },
        schemas: bookingsComponents,
      });
      api.serve(app, '/bookings/openapi.json');

      api.mount(app, bookingsRoutes.create, async (req, res) => {
        const actor = requireActor(req);
        const body = bookingsRoutes.create.body(req);
        const request: BookingRequest = {
          ...body,
          guestId: actor.userId,
          requestId: res.locals.requestId as string,
        };
        const listing = await db
          .selectFrom('listings')
          .selectAll()
          .where('id', '=', body.listingId)
          .executeTakeFirst();
        const violations = stayViolations(listing, request);
        if (violations.length > 0) {
          throw badRequest(
            violations.map((v) => `${v.field}: ${v.message}`).join('; '),
            violations.map((v) => ({ field: v.field, pointer: `/${v.field}`, detail: v.message })),
          );
        }

        const state = await open(request);
        if (state.guestId !== actor.userId) {
          throw new ProblemError({
            type: problemType('booking-id-taken'),
            title: 'Booking id already used',
            status: 409,
            detail: 'Another booking has this id; generate a new bookingId',
          });
        }
        if (state.failure?.type === BookingFailureType.DATES_UNAVAILABLE)
          throw datesUnavailable(state.bookingId);
        res.status(201).location(`/bookings/${state.bookingId}`).json(state);
      });

      api.mount(app, bookingsRoutes.list, async (req, res) => {
        const actor = requireActor(req);
        const query = bookingsRoutes.list.query(req);
        let select = db
          .selectFrom('bookings')
          .selectAll()
          .where(query.as === 'host' ? 'host_id' : 'guest_id', '=', actor.userId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(query.limit + 1);
        if (query.status) select = select.where('status', '=', query.status);
        if (query.listingId) select = select.where('listing_id', '=', query.listingId);
        if (query.cursor) {
          const after = pages.decode(query.cursor);
          select = select.where((eb) =>
            eb.or([
              eb('created_at', '<', new Date(after.createdAt)),
              eb.and([eb('created_at', '=', new Date(after.createdAt)), eb('id', '<', after.id)]),
            ]),
          );
        }
        const rows = await select.execute();
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        res.json({
          items: page.map((row) => ({
            bookingId: row.id,
            listingId: row.listing_id,
            guestId: row.guest_id,
            hostId: row.host_id,
            checkIn: row.check_in,
            checkOut: row.check_out,
            guests: row.guests,
            status: row.status,
            total: { amount: row.total_kopecks, currency: row.currency },
            approvalDeadline: row.approval_deadline?.toISOString(),
            createdAt: row.created_at.toISOString(),
          })),
          nextCursor:
            rows.length > query.limit && last
              ? pages.encode({ createdAt: last.created_at.toISOString(), id: last.id })
              : undefined,
        });
      });

      api.mount(app, bookingsRoutes.get, async (req, res) => {
        const { state } = await bookingFor(req);
        res.json(state);
      });

      for (const [action, route, update] of [
        ['approve', bookingsRoutes.approve, approveUpdate],
        ['decline', bookingsRoutes.decline, declineUpdate],
      ] as const) {
        api.mount(app, route, async (req, res) => {
          const { actor, state, party } = await bookingFor(req);
          const { reason } = route.body(req);
          if (party === 'guest') throw forbidden(`Only the host can ${action} this request`);
          if (isTerminal(state.status)) throw wrongStatus(`This booking is already ${state.status}`);
          const updated = await callWorkflow(state.bookingId, () =>
            temporal.workflow
              .getHandle(bookingWorkflowId(state.bookingId))
              .executeUpdate(update, { args: [{ by: party, actorId: actor.userId, reason }] }),
          );
          res.json(updated);
        });
      }

      api.mount(app, bookingsRoutes.cancel, async (req, res) => {
        const { actor, state, party } = await bookingFor(req);
        const { reason } = bookingsRoutes.cancel.body(req);
        if (isTerminal(state.status)) throw wrongStatus(`This booking is already ${state.status}`);
        const updated = await callWorkflow(state.bookingId, () =>
          temporal.workflow
            .getHandle(bookingWorkflowId(state.bookingId))
            .executeUpdate(cancelUpdate, { args: [{ by: party, actorId: actor.userId, reason }] }),
        );
        res.json(updated);
      });
    },
  });
}
