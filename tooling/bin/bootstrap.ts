import { runCli } from '../toolkit/run-cli';
import { requireTerraformBinary } from '../toolkit/terraform-binary';
import { parseArgs, UsageError } from '../toolkit/cli-args';
import { requireValidSandboxContext, sandboxFromEnv } from '../sandbox/sandbox-flag';
import { PROJECT_DIR } from '../sandbox/paths';

/**
 * The blueprint, and through it the engine and cdktf (about 0.45 CPU s), loaded only once the command
 * line and the cheap checks have passed: `--help` and a refused argument answer at once. An
 * environment file that does not compile is still reported before anything runs.
 */
function blueprint() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { appDefinition } = require('../../environments') as typeof import('../../environments');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { ciStacksOf, moveCiState } = require('../bootstrap/ci-state') as typeof import('../bootstrap/ci-state');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { runBootstrap } = require('../bootstrap/run-bootstrap') as typeof import('../bootstrap/run-bootstrap');
  return { appDefinition, ciStacksOf, moveCiState, runBootstrap };
}

const USAGE = `usage: npm run bootstrap [-- --sandbox] [-- --output DIR] [-- ci-<env>]
Creates the state-backend stack (bucket, lock table, key) on local state, moves its state into the
bucket it created, verifies the copy (lineage, serial, resources) and only then retires the local file
(kept as <file>.bootstrap-backup). Re-run after any failure: it resumes from what exists.
With ci-<env>: moves that CI stack's local state (terraform.ci-<env>.tfstate, from before CI state
went into the bucket) the same way, through its CI state role, with the environment account's
administrator credentials; nothing to do when there is no local file.
  --sandbox     the running local sandbox (also SANDBOX=1); default: real AWS with your credentials
  --output DIR  where to synthesize (default cdktf.out, or the sandbox's run directory)
docs/bootstrap.md`;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(args: string[]): Promise<number> {
  const parsed = parseArgs({ usage: USAGE, options: { '--sandbox': { kind: 'flag' }, '--output': { kind: 'directory' } }, positionals: { name: 'ci-<env>', min: 0, max: 1 } }, args);
  if (parsed.help) {
    say(USAGE);
    return 0;
  }
  const sandbox = parsed.flags.has('--sandbox') || sandboxFromEnv(process.env);
  const outDir = parsed.directories['--output'];
  if (sandbox) requireValidSandboxContext(PROJECT_DIR);
  requireTerraformBinary(process.env, 'bootstrap runs terraform');
  const { appDefinition, ciStacksOf, moveCiState, runBootstrap } = blueprint();
  const started = Date.now();
  const [ciStack] = parsed.positionals;
  if (ciStack !== undefined) {
    const known = ciStacksOf(appDefinition, process.env);
    if (!known.includes(ciStack)) throw new UsageError([`"${ciStack}" is not a CI stack of this app (known: ${known.join(', ') || 'none'})`], USAGE);
    const moved = await moveCiState({ appDefinition, stack: ciStack, sandbox, outDir, say });
    const outcome = {
      moved: `${ciStack}'s state moved into ${moved.stateUri} and verified`,
      'already-moved': `${ciStack}'s state was already in ${moved.stateUri}, the same as the local file`,
      'remote-only': `${ciStack}'s state is in ${moved.stateUri}; no local state to move`,
      nothing: `${ciStack} has no state yet (neither ${moved.localStateFile} nor ${moved.stateUri}): deploy it, its state goes into the bucket`,
    }[moved.outcome];
    say(`bootstrap: done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${outcome}.`);
    if (moved.backupFile) say(`bootstrap: the retired local state is kept at ${moved.backupFile}; delete it once you trust the remote copy.`);
    return 0;
  }
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
