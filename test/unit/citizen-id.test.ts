import { describe, expect, it } from "vitest";
import { citizenIdMismatches, decodeCitizenId, isCitizenIdMismatch } from "../../src/domain/citizen-id.ts";

describe("citizen ID: sex and century digit, birth-year digits", () => {
  it("decodes province of registration, sex and birth year", () => {
    expect(decodeCitizenId("001080012345")).toEqual({ birthRegistrationProvince: "001", sex: "male", birthYear: 1980 });
    expect(decodeCitizenId("079199012345")).toEqual({
      birthRegistrationProvince: "079",
      sex: "female",
      birthYear: 1999,
    });
    expect(decodeCitizenId("001205012345")).toEqual({ birthRegistrationProvince: "001", sex: "male", birthYear: 2005 });
    expect(decodeCitizenId("001310012345")).toEqual({
      birthRegistrationProvince: "001",
      sex: "female",
      birthYear: 2010,
    });
    expect(decodeCitizenId("001400012345")).toEqual({ birthRegistrationProvince: "001", sex: "male", birthYear: 2100 });
    expect(decodeCitizenId("001599012345")).toEqual({
      birthRegistrationProvince: "001",
      sex: "female",
      birthYear: 2199,
    });
    expect(decodeCitizenId("00108001234")).toBeNull();
    expect(decodeCitizenId("00108001234X")).toBeNull();
  });

  it("agrees with a matching birth date and gender", () => {
    expect(citizenIdMismatches("001080012345", "1980-05-01", "male")).toEqual([]);
    expect(citizenIdMismatches("001180012345", "1980-12-31", "female")).toEqual([]);
    expect(citizenIdMismatches("001223012345", "2023-01-01", "male")).toEqual([]);
    expect(citizenIdMismatches("001323012345", "2023-01-01", "female")).toEqual([]);
  });

  it("names each disagreement: century, birth year, sex", () => {
    // 0 = male born in the 1900s, but born 2080
    expect(citizenIdMismatches("001080012345", "2080-05-01", "male")).toEqual(["century"]);
    // born 1981, the ID says 80
    expect(citizenIdMismatches("001080012345", "1981-05-01", "male")).toEqual(["birth_year"]);
    // 1 = female
    expect(citizenIdMismatches("001180012345", "1980-05-01", "male")).toEqual(["sex"]);
    // 2 = male 2000s: a woman born 1995
    expect(citizenIdMismatches("001205012345", "1995-01-01", "female")).toEqual(["century", "birth_year", "sex"]);
    // born before 1900: no digit encodes it
    expect(citizenIdMismatches("001099012345", "1899-01-01", "male")).toEqual(["century"]);
  });

  it("compares only what was stated", () => {
    expect(citizenIdMismatches("001080012345")).toEqual([]);
    expect(citizenIdMismatches("001080012345", undefined, "female")).toEqual(["sex"]);
    expect(citizenIdMismatches("001080012345", "1981-01-01", undefined)).toEqual(["birth_year"]);
    expect(citizenIdMismatches("001080012345", "1980-01-01", "undetermined")).toEqual([]);
    expect(citizenIdMismatches(undefined, "1999-01-01", "female")).toEqual([]);
    expect(isCitizenIdMismatch("001080012345", "1980-05-01", "male")).toBe(false);
    expect(isCitizenIdMismatch("001080012345", "1980-05-01", "female")).toBe(true);
  });
});
