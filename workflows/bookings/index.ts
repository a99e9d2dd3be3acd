// The workflows the booking worker pool runs.
export { bookingWorkflow } from './booking-workflow';
