// The workflows the payment worker pool runs.
export { paymentWorkflow } from './payment-workflow';
