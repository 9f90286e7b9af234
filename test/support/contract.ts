import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * Checks answers against the served /openapi.json: the status is documented for the operation, the content type
 * is one the status documents (and a status documented without content sends none), every header the status
 * documents as required is present and matches its schema, and a JSON body matches the status's schema. Built once
 * per document (ajv compiles each schema on first use).
 */
export interface ContractCheck {
  check(method: string, path: string, status: number, headers: Headers, body: unknown): string | null;
}

type Header = { required?: boolean; schema?: unknown };
type Response = { content?: Record<string, unknown>; headers?: Record<string, Header> };
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
};

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export function contractOf(doc: Doc): ContractCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: "openapi" });
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  const validatorAt = (pointer: string) => ajv.getSchema(pointer);

  /** The first documented header the answer lacks or sends out of its schema. */
  function headerProblem(base: string, where: string, documented: Record<string, Header>, headers: Headers) {
    for (const [name, header] of Object.entries(documented)) {
      const value = headers.get(name);
      if (value === null) {
        if (header.required) return `${where}: the required header ${name} is missing`;
        continue;
      }
      const validate = header.schema ? validatorAt(`${base}/headers/${escape(name)}/schema`) : undefined;
      const typed = /^\d+$/.test(value) ? Number(value) : value;
      if (validate && !validate(typed) && !validate(value))
        return `${where}: header ${name} "${value}" ${ajv.errorsText(validate.errors)}`;
    }
    return null;
  }

  return {
    check(method, path, status, headers, body) {
      const found = templates.find((t) => t.pattern.test(path));
      if (!found) return null; // an undocumented path: the route-table test catches those
      const operation = doc.paths[found.template]![method.toLowerCase()];
      if (!operation) return status === 405 ? null : `${method} ${found.template} is not documented`;
      const response = operation.responses[String(status)];
      const where = `${method} ${found.template} ${status}`;
      if (!response) return `${method} ${found.template} answered ${status}, which it does not document`;
      const base = `openapi#/paths/${escape(found.template)}/${method.toLowerCase()}/responses/${status}`;
      const wrongHeader = headerProblem(base, where, response.headers ?? {}, headers);
      if (wrongHeader) return wrongHeader;
      const type = (headers.get("content-type") ?? "").split(";")[0]!.trim();
      if (!response.content) return type ? `${where}: sent ${type}, but the status documents no content` : null;
      if (!type) return null; // HEAD, or an empty answer
      if (!(type in response.content))
        return `${where}: sent ${type}, documented ${Object.keys(response.content).join(", ")}`;
      if (!/json/.test(type)) return null;
      const validate = validatorAt(`${base}/content/${escape(type)}/schema`);
      if (!validate) return `${where}: no schema for ${type}`;
      return validate(body) ? null : `${where}: ${ajv.errorsText(validate.errors)}`;
    },
  };
}
