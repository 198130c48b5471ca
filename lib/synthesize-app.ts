import type { App } from 'cdktf';
import { buildApp, type AppDefinition } from './build-app';
import { DefinitionError } from './errors';
import { assertGuardrails, GuardrailError } from './guardrails';

/**
 * What `cdktf synth` runs: build and validate every stack, check the guardrails, and only then
 * write anything. A problem the user must fix is printed as a list with exit code 1, not a trace.
 */
export function synthesizeApp(app: App, definition: AppDefinition): void {
  try {
    buildApp(app, definition);
    assertGuardrails(app);
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof GuardrailError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}
