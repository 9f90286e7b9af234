import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The slowest files first, whatever their project. vitest's own order runs the projects one after another by name,
 * which left the child-process tests (the demo alone takes over a minute) to the end, one worker busy and the other
 * idle. These wait on child processes, a browser, or walk every route.
 */
const FIRST = [/test\/process\/demo\./, /test\/process\//, /authorization-matrix\./, /test\/e2e\//, /fuzz/];

const rank = (spec: TestSpecification) => {
  const index = FIRST.findIndex((pattern) => pattern.test(spec.moduleId));
  return index < 0 ? FIRST.length : index;
};

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((left, right) => rank(left.spec) - rank(right.spec) || left.order - right.order)
      .map(({ spec }) => spec);
  }
}
