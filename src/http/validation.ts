import type { z } from "zod";
import { fieldErrors } from "../domain/field-errors.ts";
import { Problem } from "./problem.ts";

export function validationProblem(error: z.ZodError, where: string, prefix = "", root?: { value: unknown }): Problem {
  const errors = fieldErrors(error, prefix, root);
  return new Problem(422, "validation_failed", `invalid ${where}: ${errors[0]!.path}: ${errors[0]!.message}`, errors);
}
