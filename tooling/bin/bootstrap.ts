import { runCli } from '../toolkit/run-cli';
import { requireTerraformBinary } from '../toolkit/terraform-binary';
import { parseArgs } from '../toolkit/cli-args';
import { requireValidSandboxContext, sandboxFromEnv } from '../sandbox/sandbox-flag';
import { PROJECT_DIR } from '../sandbox/paths';
import { runBootstrap } from '../bootstrap/run-bootstrap';
import { appDefinition } from '../../environments';

const USAGE = `usage: npm run bootstrap [-- --sandbox] [-- --output DIR]
Creates the state-backend stack (bucket, lock table, key) on local state, moves its state into the
bucket it created, verifies the copy (lineage, serial, resources) and only then retires the local file
(kept as <file>.bootstrap-backup). Re-run after any failure: it resumes from what exists.
  --sandbox     the running local sandbox (also SANDBOX=1); default: real AWS with your credentials
  --output DIR  where to synthesize (default cdktf.out, or the sandbox's run directory)
docs/bootstrap.md`;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(args: string[]): Promise<number> {
  const parsed = parseArgs({ usage: USAGE, options: { '--sandbox': { kind: 'flag' }, '--output': { kind: 'directory' } }, positionals: { name: 'argument', min: 0, max: 0 } }, args);
  if (parsed.help) {
    say(USAGE);
    return 0;
  }
  const sandbox = parsed.flags.has('--sandbox') || sandboxFromEnv(process.env);
  const outDir = parsed.directories['--output'];
  if (sandbox) requireValidSandboxContext(PROJECT_DIR);
  requireTerraformBinary(process.env, 'bootstrap runs cdktf deploy and terraform');
  const started = Date.now();
  const result = await runBootstrap({ appDefinition, sandbox, outDir, say });
  say(
    `bootstrap: done in ${((Date.now() - started) / 1000).toFixed(1)} s (started from: ${result.startedFrom}). ` +
      `${result.layout.stack}'s state is in ${result.stateUri}.`,
  );
  if (result.backupFile) say(`bootstrap: the retired local state is kept at ${result.backupFile}; delete it once you trust the remote copy.`);
  if (result.recordFile) {
    say(`bootstrap: recorded in ${result.recordFile}: the sandbox commands (sandbox:deploy, sandbox:state, drift --sandbox, doctor --sandbox) now synthesize ${result.layout.stack} with its S3 backend; next: npm run sandbox:deploy -- staging`);
  } else {
    say(`bootstrap: from now on synthesize ${result.layout.stack} with its S3 backend: set "stateBackendMigrated": true in cdktf.json context (or STATE_BACKEND_MIGRATED=true).`);
  }
  return 0;
}

runCli('bootstrap', main, { afterProblem: 'nothing is lost: re-run `npm run bootstrap` after fixing this and it continues where it stopped.' });
