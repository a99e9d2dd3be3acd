import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  REVIEWS_TASK_QUEUE,
  type ReviewWindowInput,
  reviewWindowWorkflowId,
} from '@kvartirnsk/workflows/reviews/contract';
import type { reviewWindowWorkflow } from '@kvartirnsk/workflows/reviews/review-window-workflow';

export interface ReviewWindowStarterDeps {
  temporal: Client;
}

/** What other flows call on the review pool: the booking flow opens a stay's review window at check-out. */
export function createReviewWindowStarter({ temporal }: ReviewWindowStarterDeps) {
  return {
    /**
     * Opens the stay's review window unless it was opened before: the window id is the booking's and a closed
     * window's id is never reused, so a retried activity never opens a second window.
     */
    async openReviewWindow(input: ReviewWindowInput): Promise<void> {
      try {
        await temporal.workflow.start<typeof reviewWindowWorkflow>('reviewWindowWorkflow', {
          workflowId: reviewWindowWorkflowId(input.bookingId),
          taskQueue: REVIEWS_TASK_QUEUE,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    },
  };
}
