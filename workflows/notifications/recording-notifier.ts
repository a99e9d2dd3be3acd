import type { NotificationActivities, NotifyInput } from './contract';

/**
 * Test support, not workflow code: a stand-in for the `notify` activity that records what the workflows
 * asked for. Workflow tests register it on the notifications queue of their time-skipping server; the real
 * activity is tested against the real servers in activities/notifications.
 */
export function recordingNotifier(): { activities: NotificationActivities; sent: NotifyInput[] } {
  const sent: NotifyInput[] = [];
  return {
    sent,
    activities: {
      async notify(input) {
        const created = !sent.some((earlier) => earlier.notificationId === input.notificationId);
        if (created) sent.push(input);
        return { created, emailed: false };
      },
    },
  };
}
