import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * Checks answers against the served /openapi.json: the status is documented for the operation, and a JSON body
 * matches that status's schema. Built once per document (ajv compiles each schema on first use).
 */
export interface ContractCheck {
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): string | null;
}

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
};

export function contractOf(doc: Doc): ContractCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "openapi" });
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  return {
    check(method, path, status, contentType, body) {
      const found = templates.find((t) => t.pattern.test(path));
      if (!found) return null; // an undocumented path: the route-table test catches those
      const operation = doc.paths[found.template]![method.toLowerCase()];
      if (!operation) return status === 405 ? null : `${method} ${found.template} is not documented`;
      const response = operation.responses[String(status)];
      if (!response) return `${method} ${found.template} answered ${status}, which it does not document`;
      const type = (contentType ?? "").split(";")[0]!.trim();
      if (!response.content || !type || !(type in response.content)) return null;
      if (!/json/.test(type)) return null;
      const pointer = `openapi#/paths/${found.template.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}/responses/${status}/content/${type.replace(/\//g, "~1")}/schema`;
      const validate = ajv.getSchema(pointer);
      if (!validate) return `no schema at ${pointer}`;
      return validate(body) ? null : `${method} ${found.template} ${status}: ${ajv.errorsText(validate.errors)}`;
    },
  };
}
