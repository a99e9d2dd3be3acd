// The workflows the payment worker pool runs.
export { paymentWorkflow } from './payment-workflow';
export { payoutWorkflow } from './payout-workflow';
export { reconciliationWorkflow } from './reconciliation-workflow';
export { refundWorkflow } from './refund-workflow';
