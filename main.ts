import { App } from 'cdktf';
import { appDefinition } from './environments';
import { buildApp } from './lib/build-app';
import { DefinitionError } from './lib/errors';

const app = new App();
try {
  buildApp(app, appDefinition);
} catch (error) {
  // A definition problem is the user's to fix: print the list, not a stack trace.
  if (error instanceof DefinitionError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
app.synth();
