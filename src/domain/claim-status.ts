/**
 * A claim's status and the moves between them, written once. A claim arrives
 * `accepted` or `pending_documentation` (documents missing); documents or a
 * correction move it between those two; the agency's decision ends it
 * (`approved` or `denied`), and a decided claim no longer changes.
 */
export const CLAIM_STATUSES = ["accepted", "pending_documentation", "approved", "denied"] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export type DecidedStatus = Extract<ClaimStatus, "approved" | "denied">;
export const DECISION_OUTCOMES = ["approved", "denied"] as const satisfies readonly DecidedStatus[];

const TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  accepted: ["pending_documentation", "approved", "denied"],
  // Approving needs the documents first; denying does not.
  pending_documentation: ["accepted", "denied"],
  approved: [],
  denied: [],
};

export const isDecided = (status: ClaimStatus): status is DecidedStatus => status === "approved" || status === "denied";

/** Whether a claim may move from one status to another (staying put is always allowed before a decision). */
export function canMove(from: ClaimStatus, to: ClaimStatus): boolean {
  return (from === to && !isDecided(from)) || TRANSITIONS[from].includes(to);
}

/** The status of an undecided claim given what is still missing. */
export const statusForMissing = (missing: readonly string[]): ClaimStatus =>
  missing.length ? "pending_documentation" : "accepted";
