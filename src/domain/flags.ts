/**
 * Flags raise attention, never block: late data and signs of abuse are for
 * inspection (docs/domain.md).
 */
export type ClaimFlag =
  | "late_submission"
  | "possible_duplicate"
  | "out_of_province"
  | "citizen_id_mismatch"
  | "referral_unconfirmed"
  | "lines_mismatch";

/** Every flag, for the schemas that list or filter them. */
export const CLAIM_FLAGS = [
  "late_submission",
  "possible_duplicate",
  "out_of_province",
  "citizen_id_mismatch",
  // The referring facility's claim with this referral paper (its XML13) has not arrived within the rules' days.
  "referral_unconfirmed",
  // The claim's lines do not add up to its totals; its warnings name the sums (rules/costs.json "flag").
  "lines_mismatch",
] as const satisfies readonly ClaimFlag[];

/** Received more than the deadline after discharge. */
export function isLate(dischargedAt: Date, receivedAt: Date, deadlineHours: number): boolean {
  return receivedAt.getTime() - dischargedAt.getTime() > deadlineHours * 3600_000;
}

/** The card's issuing province (4th-5th characters) differs from the facility's. */
export function isOutOfProvince(cardNumber: string | undefined, facilityProvince: string): boolean {
  return cardNumber !== undefined && cardNumber.slice(3, 5) !== facilityProvince;
}

/** Two stays overlap when each starts before the other ends (back-to-back visits do not). */
export function staysOverlap(
  first: { admittedAt: Date; dischargedAt: Date },
  second: { admittedAt: Date; dischargedAt: Date },
): boolean {
  return first.admittedAt < second.dischargedAt && second.admittedAt < first.dischargedAt;
}

interface Stay {
  index: number;
  cardNumber?: string | undefined;
  citizenId?: string | undefined;
  admittedAt: Date;
  dischargedAt: Date;
}

/**
 * Indexes of stays in one batch that overlap another stay of the same patient
 * (same card number or same citizen ID). Grouped by patient, so linear in
 * practice.
 */
export function overlappingWithinBatch(stays: Stay[]): Set<number> {
  const byPatient = new Map<string, Stay[]>();
  for (const stay of stays) {
    for (const key of [stay.cardNumber && `c:${stay.cardNumber}`, stay.citizenId && `i:${stay.citizenId}`]) {
      if (!key) continue;
      const list = byPatient.get(key) ?? [];
      list.push(stay);
      byPatient.set(key, list);
    }
  }
  const flagged = new Set<number>();
  for (const list of byPatient.values()) {
    for (let index = 0; index < list.length; index++)
      for (let other = index + 1; other < list.length; other++)
        if (staysOverlap(list[index]!, list[other]!)) {
          flagged.add(list[index]!.index);
          flagged.add(list[other]!.index);
        }
  }
  return flagged;
}
