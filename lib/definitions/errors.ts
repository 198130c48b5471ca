/**
 * Thrown when definitions are invalid. It carries every problem found (not just the first), each
 * as `<environment>.<field>: <what is wrong and how to fix it>`, so one synth run shows them all.
 */
export class DefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid environment definitions (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'DefinitionError';
  }
}
