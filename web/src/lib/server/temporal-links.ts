import { TEMPORAL_NAMESPACE, TEMPORAL_UI_URL } from '$app/env/private';

// Links into the Temporal Web UI. The web app never calls Temporal; these only open its UI, filtered by the
// search attributes the booking workflow sets (temporal/search-attributes.ts).

const namespaceUrl = () => `${TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(TEMPORAL_NAMESPACE)}`;

export function workflowsQueryUrl(query: string): string {
  return `${namespaceUrl()}/workflows?query=${encodeURIComponent(query)}`;
}

export function bookingWorkflowUrl(bookingId: string): string {
  return workflowsQueryUrl(`WorkflowId="booking:${bookingId}"`);
}

export function bookingsByStatusUrl(status: string): string {
  return workflowsQueryUrl(`BookingStatus="${status}"`);
}

export function bookingsOfListingUrl(listingId: string): string {
  return workflowsQueryUrl(`ListingId="${listingId}"`);
}

export function workflowByIdUrl(workflowId: string): string {
  return workflowsQueryUrl(`WorkflowId="${workflowId}"`);
}

export function moderationsOfListingUrl(listingId: string): string {
  return workflowsQueryUrl(`WorkflowType="listingModerationWorkflow" AND ListingId="${listingId}"`);
}

export function moderationsByStatusUrl(status: string): string {
  return workflowsQueryUrl(`ModerationStatus="${status}"`);
}
