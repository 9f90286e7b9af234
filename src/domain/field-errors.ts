import type { z } from "zod";

/**
 * What a field error is, and how a zod issue becomes one: pure, so the claim
 * validation (src/claims/validate.ts) and the XML mapping use it without HTTP.
 */

/** One entry of a problem's `errors`: which field, a stable code, a message. */
export interface FieldError {
  path: string;
  code: string;
  message: string;
}

/** `["claims", 3, "patient", "cardNumber"]` -> `claims[3].patient.cardNumber`. */
export function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(body)";
}

/** The value at `path` inside `value`, or undefined when any step is absent. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Whether the field an issue is about was absent. zod 4 keeps an issue's input
 * only when asked (`reportInput`), so look it up in the validated input when
 * the caller has it, and otherwise read zod's default message.
 */
function wasMissing(issue: z.core.$ZodIssue, root?: { value: unknown }): boolean {
  if ("input" in issue) return issue.input === undefined;
  if (root) return valueAt(root.value, issue.path) === undefined;
  return /received undefined$/.test(issue.message);
}

/** zod issue codes mapped to the stable `code` values of the contract's errors. */
export function issueCode(issue: z.core.$ZodIssue, root?: { value: unknown }): string {
  switch (issue.code) {
    case "invalid_type":
      return wasMissing(issue, root) ? "required" : "invalid_type";
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

/** `root` is the input that was validated, when the caller has it (to tell a missing field from a wrong one). */
export function fieldErrors(error: z.ZodError, prefix = "", root?: { value: unknown }): FieldError[] {
  return error.issues.map((issue) => {
    const base = issue.path;
    // An unknown key is the fault of that key, so name it.
    const path = issue.code === "unrecognized_keys" ? [...base, issue.keys[0]!] : base;
    return { path: fieldPath(path, prefix), code: issueCode(issue, root), message: issue.message };
  });
}
