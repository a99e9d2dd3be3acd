// The workflows the review worker pool runs.
export { reviewWindowWorkflow } from './review-window-workflow';
