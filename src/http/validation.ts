import type { z } from "zod";
import { type FieldError, Problem } from "./problem.ts";

/** `["claims", 3, "patient", "cardNumber"]` -> `claims[3].patient.cardNumber`. */
export function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(body)";
}

/** zod issue codes mapped to the stable `code` values of the contract's errors. */
export function issueCode(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "required" : "invalid_type";
    case "too_big":
      return "too_big";
    case "too_small":
      return "too_small";
    case "invalid_format":
      return "invalid_format";
    case "invalid_value":
      return "invalid_value";
    case "unrecognized_keys":
      return "unknown_field";
    default:
      return issue.code === "custom" ? ((issue.params?.code as string | undefined) ?? "invalid") : issue.code;
  }
}

export function fieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
  return error.issues.map((issue) => {
    const base = issue.path;
    // An unknown key is the fault of that key, so name it.
    const path = issue.code === "unrecognized_keys" ? [...base, issue.keys[0]!] : base;
    return { path: fieldPath(path, prefix), code: issueCode(issue), message: issue.message };
  });
}

export function validationProblem(error: z.ZodError, where: string, prefix = ""): Problem {
  const errors = fieldErrors(error, prefix);
  return new Problem(422, "validation_failed", `invalid ${where}: ${errors[0]!.path}: ${errors[0]!.message}`, errors);
}
