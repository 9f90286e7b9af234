import { z } from "zod";
import { describe, expect, it } from "vitest";
import { fieldErrors, fieldPath } from "../../src/domain/field-errors.ts";

const Claim = z.object({
  claimId: z.string(),
  patient: z.object({ name: z.string(), birthDate: z.string().optional() }).strict(),
  amounts: z.array(z.number()),
});

describe("validation errors name the field and say what is wrong", () => {
  it("writes paths like claims[3].patient.cardNumber", () => {
    expect(fieldPath(["claims", 3, "patient", "cardNumber"])).toBe("claims[3].patient.cardNumber");
    expect(fieldPath(["patient", "name"], "claims[0]")).toBe("claims[0].patient.name");
    expect(fieldPath([])).toBe("(body)");
  });

  it(
    "tells a missing field (required) from one of the wrong type (invalid_type), with or without the input at " +
      "hand",
    () => {
      const input = { claimId: 42, patient: { surname: "x" }, amounts: [1, "2"] };
      const error = Claim.safeParse(input).error!;
      const expected = [
        { path: "claims[3].claimId", code: "invalid_type" },
        { path: "claims[3].patient.name", code: "required" },
        { path: "claims[3].patient.surname", code: "unknown_field" },
        { path: "claims[3].amounts[1]", code: "invalid_type" },
      ];
      const strip = (errors: { path: string; code: string }[]) => errors.map(({ path, code }) => ({ path, code }));
      expect(strip(fieldErrors(error, "claims[3]"))).toEqual(expected);
      expect(strip(fieldErrors(error, "claims[3]", { value: input }))).toEqual(expected);
    },
  );

  it("a body that is missing altogether is required; null is the wrong type", () => {
    expect(fieldErrors(Claim.safeParse(undefined).error!, "", { value: undefined })[0]).toMatchObject({
      path: "(body)",
      code: "required",
    });
    expect(fieldErrors(Claim.safeParse(null).error!, "", { value: null })[0]).toMatchObject({
      path: "(body)",
      code: "invalid_type",
    });
  });
});
