/** A valid outpatient claim of facility 01001 discharged before the harness's START; override what a story needs. */
export function claim(overrides: Record<string, unknown> = {}, n = 1): Record<string, any> {
  return {
    claimId: `LK${String(n).padStart(6, "0")}`,
    patient: {
      cardNumber: `DN401${String(1000000000 + n)}`,
      citizenId: "001080012345",
      name: "Nguyen Van A",
      birthDate: "1980-05-01",
      gender: "male",
    },
    visitType: "outpatient",
    admittedAt: "2026-06-14T08:00:00+07:00",
    dischargedAt: "2026-06-14T11:00:00+07:00",
    diagnosis: { primary: "J18.9", secondary: ["E11"] },
    referral: false,
    amounts: { total: "350000", insurance: "280000", patient: "70000", other: "0" },
    documents: [],
    ...overrides,
  };
}

/** `count` distinct valid claims, each for its own patient. */
export const claims = (count: number, overrides: Record<string, unknown> = {}, from = 1) =>
  Array.from({ length: count }, (_, i) =>
    claim(
      {
        claimId: `LK${String(from + i).padStart(6, "0")}`,
        patient: { cardNumber: `DN401${String(2000000000 + from + i)}` },
        ...overrides,
      },
      from + i,
    ),
  );
