/**
 * The one base class of problems a user can fix: bad definitions or settings, a violated guardrail,
 * a tooling command used wrongly. Entry points print `message` (which says what to do) and exit 1,
 * without a stack trace; any other error is a bug and keeps its trace.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Thrown when definitions are invalid. It carries every problem found (not just the first), each
 * as `<environment>.<field>: <what is wrong and how to fix it>`, so one synth run shows them all.
 */
export class DefinitionError extends UserError {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid environment definitions (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }
}
