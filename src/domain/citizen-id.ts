/**
 * What a 12-digit citizen ID says about its holder (docs/domain.md
 * "Codes"): digits 1-3 the province of birth registration, digit 4 the sex
 * and century of birth, digits 5-6 the last two digits of the birth year.
 * Digit 4: 0 male / 1 female born 1900-1999, 2 / 3 born 2000-2099, 4 / 5
 * 2100-2199, 6 / 7 2200-2299, 8 / 9 2300-2399.
 *
 * A disagreement with the stated birth date or gender is a data-quality flag
 * (`citizen_id_mismatch`), never a rejection: the card may be right and the
 * hospital's record wrong, or the other way round.
 */

export interface DecodedCitizenId {
  birthRegistrationProvince: string;
  sex: "male" | "female";
  birthYear: number;
}

export type CitizenIdMismatch = "century" | "birth_year" | "sex";

/** Decodes a 12-digit citizen ID; null for anything else. */
export function decodeCitizenId(citizenId: string): DecodedCitizenId | null {
  if (!/^\d{12}$/.test(citizenId)) return null;
  const code = citizenId.charCodeAt(3) - 48;
  return {
    birthRegistrationProvince: citizenId.slice(0, 3),
    sex: code % 2 === 0 ? "male" : "female",
    birthYear: 1900 + 100 * Math.floor(code / 2) + Number(citizenId.slice(4, 6)),
  };
}

/**
 * How the citizen ID disagrees with the stated birth date (YYYY-MM-DD) and
 * gender; empty when it agrees, or when there is nothing to compare (no
 * citizen ID, no birth date and no male/female gender). `undetermined`
 * gender is never a mismatch.
 */
export function citizenIdMismatches(
  citizenId: string | undefined | null,
  birthDate?: string | null,
  gender?: string | null,
): CitizenIdMismatch[] {
  if (!citizenId) return [];
  const decoded = decodeCitizenId(citizenId);
  if (!decoded) return [];
  const out: CitizenIdMismatch[] = [];
  const year = birthDate && /^\d{4}-/.test(birthDate) ? Number(birthDate.slice(0, 4)) : null;
  if (year !== null) {
    if (Math.floor(year / 100) !== Math.floor(decoded.birthYear / 100)) out.push("century");
    if (year % 100 !== decoded.birthYear % 100) out.push("birth_year");
  }
  if ((gender === "male" || gender === "female") && gender !== decoded.sex) out.push("sex");
  return out;
}

/** True when the citizen ID disagrees with the stated birth date or gender. */
export const isCitizenIdMismatch = (
  citizenId: string | undefined | null,
  birthDate?: string | null,
  gender?: string | null,
): boolean => citizenIdMismatches(citizenId, birthDate, gender).length > 0;
