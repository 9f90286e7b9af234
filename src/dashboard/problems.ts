import type { Problem } from "../http/problem.ts";
import { problemText } from "../http/problem-messages.ts";
import type { Lang } from "./i18n.ts";

/** A refusal as a page shows it, in the page's language: the message, and each named field's message. */
export function problemMessage(problem: Problem, lang: Lang) {
  const text = problemText(problem, lang);
  const fields = Object.fromEntries((text.errors ?? []).map((error) => [error.path, error.message]));
  return { message: text.detail, fields };
}

/** A form's own refusal, already in the page's language: what is wrong with each named field. */
export class FormRefusal extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields)[0] ?? "");
  }
}

/** A page's own refusal, already in the page's language (a page outside the key's scope, an expired form). */
export class PageError extends Error {
  constructor(
    readonly status: 403,
    message: string,
  ) {
    super(message);
  }
}
