// The workflows the moderation worker pool runs.
export { listingModerationWorkflow } from './listing-moderation-workflow';
