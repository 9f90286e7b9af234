import type { z } from "zod";
import { fieldErrors } from "../domain/field-errors.ts";
import { type MessageParams, Problem, type ProblemFieldError } from "./problem.ts";

const isParam = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean";

/** The specifics of a zod issue its Vietnamese message needs: bounds, the expected type or format, the values. */
export function issueParams(issue: z.core.$ZodIssue): MessageParams {
  switch (issue.code) {
    case "too_big":
      return { origin: issue.origin, maximum: Number(issue.maximum), inclusive: issue.inclusive, exact: issue.exact };
    case "too_small":
      return { origin: issue.origin, minimum: Number(issue.minimum), inclusive: issue.inclusive, exact: issue.exact };
    case "invalid_type":
      return { expected: issue.expected };
    case "invalid_format":
      return { format: issue.format };
    case "invalid_value":
      return { values: issue.values.map(String) };
    case "not_multiple_of":
      return { divisor: Number(issue.divisor) };
    case "custom":
      // What the refinement passed beside its code (`params: { code, role }`).
      return Object.fromEntries(
        Object.entries(issue.params ?? {}).filter(([key, value]) => key !== "code" && isParam(value)),
      );
    default:
      return {};
  }
}

/** A zod error's field errors, each with its issue's params. */
export function problemFieldErrors(error: z.ZodError, prefix = "", root?: { value: unknown }): ProblemFieldError[] {
  return fieldErrors(error, prefix, root).map((fieldError, index) => ({
    ...fieldError,
    params: issueParams(error.issues[index]!),
  }));
}

export function validationProblem(error: z.ZodError, where: string, prefix = "", root?: { value: unknown }): Problem {
  const errors = problemFieldErrors(error, prefix, root);
  return new Problem(
    422,
    "validation_failed",
    `invalid ${where}: ${errors[0]!.path}: ${errors[0]!.message}`,
    errors,
    undefined,
    { where },
  );
}
