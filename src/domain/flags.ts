/**
 * Flags raise attention, never block: late data and signs of abuse are for
 * inspection (../shared/DOMAIN.md).
 */
export type ClaimFlag = "late_submission" | "possible_duplicate" | "out_of_province" | "citizen_id_mismatch";

/** Every flag, for the schemas that list or filter them. */
export const CLAIM_FLAGS = [
  "late_submission",
  "possible_duplicate",
  "out_of_province",
  "citizen_id_mismatch",
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
  a: { admittedAt: Date; dischargedAt: Date },
  b: { admittedAt: Date; dischargedAt: Date },
): boolean {
  return a.admittedAt < b.dischargedAt && b.admittedAt < a.dischargedAt;
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
  for (const s of stays) {
    for (const key of [s.cardNumber && `c:${s.cardNumber}`, s.citizenId && `i:${s.citizenId}`]) {
      if (!key) continue;
      const list = byPatient.get(key) ?? [];
      list.push(s);
      byPatient.set(key, list);
    }
  }
  const flagged = new Set<number>();
  for (const list of byPatient.values()) {
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        if (staysOverlap(list[i]!, list[j]!)) {
          flagged.add(list[i]!.index);
          flagged.add(list[j]!.index);
        }
  }
  return flagged;
}
