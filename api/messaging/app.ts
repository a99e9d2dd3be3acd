import { randomUUID } from 'node:crypto';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { z } from 'zod';
import { notificationView } from '@kvartirnsk/activities/notifications/activities';
import {
  emailWanted,
  type NotificationDocument,
  type NotificationPreferencesDocument,
} from '@kvartirnsk/activities/notifications/models';
import { createServiceApp } from '@kvartirnsk/lib/http';
import { type Actor, forbidden, hasRole, requireActor } from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { badRequest, notFound } from '@kvartirnsk/lib/problem';
import { spendBudget } from '@kvartirnsk/lib/rate-limits';
import { withoutNul } from '@kvartirnsk/lib/text';
import { ADMINS_AUDIENCE, LOCALES, NOTIFICATION_KINDS } from '@kvartirnsk/workflows/notifications/contract';
import { maskContactDetails } from './masking';
import {
  type ConversationDocument,
  conversationId,
  type MessageDocument,
  type MessagingModels,
  type Side,
} from './models';

const MAX_PAGE = 100;
const messageText = withoutNul(z.string().trim().min(1).max(4000));

export const conversationSchema = z.object({
  id: z.string(),
  listingId: z.string(),
  listingTitle: z.string(),
  guestId: z.string(),
  hostId: z.string(),
  /** Which side the caller is on. */
  side: z.enum(['guest', 'host']),
  contactsAllowed: z.boolean(),
  /** Messages the caller has not read yet. */
  unread: z.number().int(),
  /** Until when the other side has read; the caller's messages up to it show as read. */
  otherReadUntil: z.iso.datetime().nullable(),
  lastMessage: z.object({ text: z.string(), senderId: z.string(), at: z.iso.datetime() }).nullable(),
  updatedAt: z.iso.datetime(),
});

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  senderId: z.string(),
  text: z.string(),
  masked: z.array(z.string()),
  createdAt: z.iso.datetime(),
});

const sentSchema = z.object({
  conversation: conversationSchema,
  message: messageSchema,
  /** Said to the sender when contact details were hidden, in both languages the app speaks. */
  notice: z.object({ ru: z.string(), en: z.string() }).nullable(),
});

const conversationParams = z.object({ id: withoutNul(z.string().min(3).max(200)) });
const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(30),
    /** The oldest message id of the previous page; the next page holds older messages. */
    before: withoutNul(z.string().max(100)).optional(),
  })
  .strict();

const localizedSchema = z.object({ ru: z.string(), en: z.string() });

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  /** The facts the text was written from (booking, listing, amounts), for clients that render their own. */
  data: z.record(z.string(), z.unknown()),
  title: localizedSchema,
  body: localizedSchema,
  /** Where in the web app it leads. */
  path: z.string(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});

const notificationKind = z.enum(NOTIFICATION_KINDS);

export const notificationPreferencesSchema = z.object({
  /** The language of e-mails; null until chosen (then the language the flow knew, else Russian). */
  locale: z.enum(LOCALES).nullable(),
  /** Every kind: in-app notifications are always on; e-mail is the user's choice. */
  kinds: z.record(notificationKind, z.object({ inApp: z.literal(true), email: z.boolean() })),
});

const notificationParams = z.object({ id: withoutNul(z.string().min(1).max(400)) });

export const messagingRoutes = {
  start: defineRoute({
    method: 'post',
    path: '/messaging/conversations',
    operationId: 'startConversation',
    summary: 'Ask a host about their listing (or continue the conversation already open with them)',
    security: 'bearer',
    body: z.object({ listingId: withoutNul(z.string().trim().min(1).max(64)), text: messageText }).strict(),
    responses: { 201: sentSchema },
    problems: [403, 404, 429],
  }),
  list: defineRoute({
    method: 'get',
    path: '/messaging/conversations',
    operationId: 'listConversations',
    summary: "The caller's conversations, latest activity first",
    security: 'bearer',
    query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(30) }).strict(),
    responses: { 200: z.object({ items: z.array(conversationSchema), unreadTotal: z.number().int() }) },
  }),
  messages: defineRoute({
    method: 'get',
    path: '/messaging/conversations/:id/messages',
    operationId: 'listMessages',
    summary: 'Messages of a conversation, newest first, a page at a time',
    security: 'bearer',
    params: conversationParams,
    query: pageQuery,
    responses: {
      200: z.object({
        conversation: conversationSchema,
        items: z.array(messageSchema),
        hasMore: z.boolean(),
      }),
    },
    problems: [403, 404],
  }),
  send: defineRoute({
    method: 'post',
    path: '/messaging/conversations/:id/messages',
    operationId: 'sendMessage',
    summary: 'Send a message; contact details are masked until a booking between the two is confirmed',
    security: 'bearer',
    params: conversationParams,
    body: z.object({ text: messageText }).strict(),
    responses: { 201: sentSchema },
    problems: [403, 404, 429],
  }),
  read: defineRoute({
    method: 'post',
    path: '/messaging/conversations/:id/read',
    operationId: 'markConversationRead',
    summary: 'Mark everything in the conversation read (a read receipt for the other side)',
    security: 'bearer',
    params: conversationParams,
    responses: { 200: conversationSchema },
    problems: [403, 404],
  }),
  notifications: defineRoute({
    method: 'get',
    path: '/messaging/notifications',
    operationId: 'listNotifications',
    summary: "The caller's notifications, newest first, a page at a time, with the unread count",
    security: 'bearer',
    query: z
      .object({
        unreadOnly: z
          .enum(['true', 'false'])
          .default('false')
          .transform((value) => value === 'true'),
        limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(30),
        /** The oldest notification id of the previous page; the next page holds older ones. */
        before: withoutNul(z.string().max(400)).optional(),
      })
      .strict(),
    responses: {
      200: z.object({
        items: z.array(notificationSchema),
        unread: z.number().int(),
        hasMore: z.boolean(),
      }),
    },
  }),
  readNotification: defineRoute({
    method: 'post',
    path: '/messaging/notifications/:id/read',
    operationId: 'markNotificationRead',
    summary: 'Mark one notification read',
    security: 'bearer',
    params: notificationParams,
    responses: { 200: notificationSchema },
    problems: [404],
  }),
  readAllNotifications: defineRoute({
    method: 'post',
    path: '/messaging/notifications/read-all',
    operationId: 'markAllNotificationsRead',
    summary: "Mark every one of the caller's notifications read",
    security: 'bearer',
    responses: { 200: z.object({ marked: z.number().int() }) },
  }),
  preferences: defineRoute({
    method: 'get',
    path: '/messaging/notification-preferences',
    operationId: 'getNotificationPreferences',
    summary: 'Which notifications the caller also gets by e-mail, and in which language',
    security: 'bearer',
    responses: { 200: notificationPreferencesSchema },
  }),
  setPreferences: defineRoute({
    method: 'put',
    path: '/messaging/notification-preferences',
    operationId: 'setNotificationPreferences',
    summary: 'Switch e-mail on or off per kind and choose the language; kinds not named keep their setting',
    security: 'bearer',
    body: z
      .object({
        locale: z.enum(LOCALES).optional(),
        email: z.partialRecord(notificationKind, z.boolean()).optional(),
      })
      .strict(),
    responses: { 200: notificationPreferencesSchema },
  }),
};

/** What the service pushes to connected clients (socket.io rooms per user; see realtime.ts). */
/** Who the caller hears notifications as: themselves, and admins also as one of all admins. */
const audienceOf = (actor: Actor) =>
  hasRole(actor, 'admin') ? [actor.userId, ADMINS_AUDIENCE] : [actor.userId];

function preferencesView(preferences: NotificationPreferencesDocument | null) {
  return {
    locale: preferences?.locale ?? null,
    kinds: Object.fromEntries(
      NOTIFICATION_KINDS.map((kind) => [kind, { inApp: true, email: emailWanted(preferences, kind) }]),
    ) as z.infer<typeof notificationPreferencesSchema>['kinds'],
  };
}

export interface LivePush {
  toUser(userId: string, event: 'message' | 'read', payload: unknown): void;
}

export interface MessagingAppDeps {
  models: MessagingModels;
  live: LivePush;
  /** Messages a user may send per minute (spam and scraping). */
  sendBudget: RateLimiterRedis;
  logger: Logger;
}

const otherSide = (side: Side): Side => (side === 'guest' ? 'host' : 'guest');

function sideOf(actor: Actor, conversation: ConversationDocument): Side {
  if (conversation.guestId === actor.userId) return 'guest';
  if (conversation.hostId === actor.userId) return 'host';
  throw forbidden('This conversation is between other people');
}

function conversationView(conversation: ConversationDocument, side: Side) {
  const otherReadUntil = conversation.lastReadAt?.[otherSide(side)] ?? null;
  return {
    id: conversation._id,
    listingId: conversation.listingId,
    listingTitle: conversation.listingTitle,
    guestId: conversation.guestId,
    hostId: conversation.hostId,
    side,
    contactsAllowed: conversation.contactsAllowed,
    unread: conversation.unread?.[side] ?? 0,
    otherReadUntil: otherReadUntil ? otherReadUntil.toISOString() : null,
    lastMessage: conversation.lastMessage
      ? { ...conversation.lastMessage, at: conversation.lastMessage.at.toISOString() }
      : null,
    updatedAt: conversation.updatedAt.toISOString(),
  };
}

const messageView = (message: MessageDocument) => ({
  id: message._id,
  conversationId: message.conversationId,
  senderId: message.senderId,
  text: message.text,
  masked: message.masked,
  createdAt: message.createdAt.toISOString(),
});

const MASKED_NOTICE = {
  ru: 'Контакты скрыты до подтверждения бронирования: оплата и переписка на платформе защищают обе стороны.',
  en: 'Contact details are hidden until a booking is confirmed: paying and talking on the platform protects both sides.',
};

export function createMessagingApp({ models, live, sendBudget, logger }: MessagingAppDeps) {
  const { Conversation, Message, Listing, Notification, NotificationPreferences } = models;

  async function participantConversation(actor: Actor, id: string) {
    const conversation = await Conversation.findById(id).lean<ConversationDocument>();
    if (!conversation) throw notFound(`No conversation ${id}`);
    return { conversation, side: sideOf(actor, conversation) };
  }

  /** Stores a message and bumps the conversation in one write each; the other side hears of it live. */
  async function send(actor: Actor, conversation: ConversationDocument, side: Side, rawText: string) {
    await spendBudget(sendBudget, actor.userId, 'user');
    const { text, masked } = conversation.contactsAllowed
      ? { text: rawText, masked: [] }
      : maskContactDetails(rawText);
    const message = await Message.create({
      _id: randomUUID(),
      conversationId: conversation._id,
      senderId: actor.userId,
      text,
      masked,
      createdAt: new Date(),
    });
    const updated = await Conversation.findOneAndUpdate(
      { _id: conversation._id },
      {
        $set: {
          lastMessage: { text, senderId: actor.userId, at: message.createdAt },
          [`lastReadAt.${side}`]: message.createdAt,
          [`unread.${side}`]: 0,
        },
        $inc: { [`unread.${otherSide(side)}`]: 1 },
      },
      { returnDocument: 'after' },
    ).lean<ConversationDocument>();
    if (!updated) throw notFound(`No conversation ${conversation._id}`);
    const otherId = side === 'guest' ? updated.hostId : updated.guestId;
    const pushed = messageView(message.toObject());
    live.toUser(otherId, 'message', {
      conversation: conversationView(updated, otherSide(side)),
      message: pushed,
    });
    return {
      conversation: conversationView(updated, side),
      message: pushed,
      notice: masked.length > 0 ? MASKED_NOTICE : null,
    };
  }

  return createServiceApp({
    logger,
    readiness: async () => {
      await Conversation.findOne({}, { _id: 1 }).lean();
    },
    routes(app) {
      const api = new ServiceApi({ info: { title: 'Kvartirnsk messaging', version: '1' } });
      api.serve(app, '/messaging/openapi.json');

      api.mount(app, messagingRoutes.start, async (req, res) => {
        const actor = requireActor(req);
        const { listingId, text } = messagingRoutes.start.body(req);
        const listing = await Listing.findById(listingId).lean();
        if (!listing) throw notFound(`No listing ${listingId}`);
        if (listing.hostId === actor.userId)
          throw forbidden('Hosts cannot start a conversation with themselves');
        const id = conversationId(listingId, actor.userId);
        // An upsert: asking again about the same listing continues the same conversation.
        const conversation = await Conversation.findOneAndUpdate(
          { _id: id },
          {
            $setOnInsert: {
              listingId,
              guestId: actor.userId,
              hostId: listing.hostId,
              listingTitle: listing.title,
            },
          },
          { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
        ).lean<ConversationDocument>();
        res.status(201).json(await send(actor, conversation, 'guest', text));
      });

      api.mount(app, messagingRoutes.list, async (req, res) => {
        const actor = requireActor(req);
        const { limit } = messagingRoutes.list.query(req);
        const conversations = await Conversation.find({
          $or: [{ guestId: actor.userId }, { hostId: actor.userId }],
        })
          .sort({ updatedAt: -1 })
          .limit(limit)
          .lean<ConversationDocument[]>();
        const items = conversations.map((c) => conversationView(c, sideOf(actor, c)));
        res.json({ items, unreadTotal: items.reduce((total, c) => total + c.unread, 0) });
      });

      api.mount(app, messagingRoutes.messages, async (req, res) => {
        const actor = requireActor(req);
        const { id } = messagingRoutes.messages.params(req);
        const { limit, before } = messagingRoutes.messages.query(req);
        const { conversation, side } = await participantConversation(actor, id);
        const filter: Record<string, unknown> = { conversationId: id };
        if (before) {
          const anchor = await Message.findOne({ _id: before, conversationId: id }).lean();
          if (!anchor) {
            throw badRequest('before is not a message of this conversation', [
              {
                field: 'before',
                pointer: '/before',
                detail: 'must be the id of a message in this conversation',
              },
            ]);
          }
          filter.$or = [
            { createdAt: { $lt: anchor.createdAt } },
            { createdAt: anchor.createdAt, _id: { $lt: anchor._id } },
          ];
        }
        const page = await Message.find(filter)
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit + 1)
          .lean<MessageDocument[]>();
        res.json({
          conversation: conversationView(conversation, side),
          items: page.slice(0, limit).map(messageView),
          hasMore: page.length > limit,
        });
      });

      api.mount(app, messagingRoutes.send, async (req, res) => {
        const actor = requireActor(req);
        const { id } = messagingRoutes.send.params(req);
        const { text } = messagingRoutes.send.body(req);
        const { conversation, side } = await participantConversation(actor, id);
        res.status(201).json(await send(actor, conversation, side, text));
      });

      api.mount(app, messagingRoutes.read, async (req, res) => {
        const actor = requireActor(req);
        const { id } = messagingRoutes.read.params(req);
        const { conversation, side } = await participantConversation(actor, id);
        const now = new Date();
        const updated = await Conversation.findOneAndUpdate(
          { _id: conversation._id },
          { $set: { [`unread.${side}`]: 0, [`lastReadAt.${side}`]: now } },
          { returnDocument: 'after' },
        ).lean<ConversationDocument>();
        const otherId = side === 'guest' ? conversation.hostId : conversation.guestId;
        live.toUser(otherId, 'read', { conversationId: id, readUntil: now.toISOString() });
        res.json(conversationView(updated!, side));
      });

      api.mount(app, messagingRoutes.notifications, async (req, res) => {
        const audience = audienceOf(requireActor(req));
        const { unreadOnly, limit, before } = messagingRoutes.notifications.query(req);
        const mine = { userId: { $in: audience } };
        const filter: Record<string, unknown> = { ...mine, ...(unreadOnly ? { readAt: null } : {}) };
        if (before) {
          const anchor = await Notification.findOne({ _id: before, ...mine }).lean();
          if (!anchor) {
            throw badRequest('before is not one of your notifications', [
              { field: 'before', pointer: '/before', detail: 'must be the id of one of your notifications' },
            ]);
          }
          filter.$or = [
            { createdAt: { $lt: anchor.createdAt } },
            { createdAt: anchor.createdAt, _id: { $lt: anchor._id } },
          ];
        }
        const [page, unread] = await Promise.all([
          Notification.find(filter)
            .sort({ createdAt: -1, _id: -1 })
            .limit(limit + 1)
            .lean<NotificationDocument[]>(),
          Notification.countDocuments({ ...mine, readAt: null }),
        ]);
        res.json({
          items: page.slice(0, limit).map(notificationView),
          unread,
          hasMore: page.length > limit,
        });
      });

      api.mount(app, messagingRoutes.readNotification, async (req, res) => {
        const audience = audienceOf(requireActor(req));
        const { id } = messagingRoutes.readNotification.params(req);
        const mine = { _id: id, userId: { $in: audience } };
        // Only the first read counts: reading again keeps when it was first read.
        await Notification.updateOne({ ...mine, readAt: null }, { $set: { readAt: new Date() } });
        const notification = await Notification.findOne(mine).lean<NotificationDocument>();
        if (!notification) throw notFound(`No notification ${id}`);
        res.json(notificationView(notification));
      });

      api.mount(app, messagingRoutes.readAllNotifications, async (req, res) => {
        const audience = audienceOf(requireActor(req));
        const { modifiedCount } = await Notification.updateMany(
          { userId: { $in: audience }, readAt: null },
          { $set: { readAt: new Date() } },
        );
        res.json({ marked: modifiedCount });
      });

      api.mount(app, messagingRoutes.preferences, async (req, res) => {
        const actor = requireActor(req);
        const preferences = await NotificationPreferences.findById(actor.userId).lean();
        res.json(preferencesView(preferences));
      });

      api.mount(app, messagingRoutes.setPreferences, async (req, res) => {
        const actor = requireActor(req);
        const { locale, email } = messagingRoutes.setPreferences.body(req);
        const changes = {
          ...(locale ? { locale } : {}),
          ...Object.fromEntries(Object.entries(email ?? {}).map(([kind, on]) => [`email.${kind}`, on])),
          updatedAt: new Date(),
        };
        const preferences = await NotificationPreferences.findOneAndUpdate(
          { _id: actor.userId },
          { $set: changes },
          { upsert: true, returnDocument: 'after' },
        ).lean<NotificationPreferencesDocument>();
        res.json(preferencesView(preferences));
      });
    },
  });
}
