import { OpenAPIHono } from "@hono/zod-openapi";
import type { Caller } from "../domain/caller.ts";
import { validationProblem } from "./validation.ts";

export type AppEnv = { Variables: { requestId: string; caller: Caller } };

/**
 * A router whose failed validations become 422 problems naming the field.
 * Every capability builds its routes on one of these.
 */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === "json" ? "body" : result.target === "param" ? "path" : result.target;
        // The validator passes the raw input as `data` (its types omit it on failure).
        throw validationProblem(result.error, where, "", { value: (result as unknown as { data: unknown }).data });
      }
    },
  });
}
