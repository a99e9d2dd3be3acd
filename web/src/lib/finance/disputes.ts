import { messages } from '#lib/i18n.ts';
import type { Locale } from '#lib/locale.ts';
import { describeProblem, type Problem, type ShownProblem } from '#lib/problem.ts';

// The payments API's refusals to settle a dispute (api/payments/disputes.ts) are all about the refund typed
// into the settle form, so they are shown on that field as well as above the form.

/** A dispute answer's problem in the reader's words, with the settle form's refund field marked when it is about it. */
export function describeDisputeProblem(problem: Problem, locale: Locale): ShownProblem {
  const t = messages(locale);
  const slug = problem.type?.slice(problem.type.lastIndexOf('/') + 1);
  const shown = describeProblem(problem, locale);
  const message =
    slug === 'exceeds-claim' ? t.disputeExceedsClaim : slug === 'dispute-settled' ? t.disputeSettledOtherwise : shown.message;
  if (slug === 'exceeds-claim' || slug === 'exceeds-refundable' || slug === 'dispute-settled') {
    return { message, fields: { ...shown.fields, refund: message } };
  }
  return shown;
}
