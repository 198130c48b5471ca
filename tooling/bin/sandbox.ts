import { appDefinition } from '../../environments';
import { exportLines, sandboxCredentials } from '../sandbox/credentials';
import { ensureEmulator } from '../sandbox/emulator';
import { iamStatusLines, SandboxError, sandboxDown, sandboxIamStatus, sandboxReset, sandboxStatus, sandboxUp } from '../sandbox/lifecycle';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import { definedStacks, projectDefinitions } from '../toolkit/project-definitions';
import { runCli } from '../toolkit/run-cli';
import { sandboxSessionVariables } from '../toolkit/account-session';

const USAGE = `usage: npm run sandbox -- <command>
  up                     start the local AWS sandbox (moto behind the shim; installs moto first if missing)
  down                   stop it and discard everything in it (resources, dev's state)
  status                 is it running? (exit 0 yes, 1 no); IAM enforcement's counts, unmapped requests by name
  reset                  delete every resource in every account; keep it running
  install                install the emulator only (tooling/sandbox/install-emulator.sh)
  credentials <env|id>   print export lines acting in that environment's account, e.g.
                           eval "$(npm run -s sandbox -- credentials staging)"
Environment: SANDBOX_PORT (HTTPS port, default a free one), SANDBOX_HOME (default .sandbox/),
SANDBOX_EMULATOR=auto|path|debian (where moto comes from); SANDBOX_IAM=off (bench only: no IAM
enforcement). docs/sandbox.md`;

const say = (line: string) => process.stderr.write(`${line}\n`);

/** The account and region of an environment (or the state-backend), by name or account ID. */
function accountOf(target: string): { accountId: string; region: string } {
  // The same settings and definitions synth resolves, so the account is the one the stack guards.
  const resolved = projectDefinitions(appDefinition, process.env, PROJECT_DIR);
  const { blueprint } = resolved;
  const definitions = definedStacks(resolved);
  if (/^\d{12}$/.test(target)) return { accountId: target, region: blueprint.stateRegion };
  const found = definitions.find((definition) => definition.name === target);
  if (!found) throw new SandboxError(`unknown environment "${target}": choose from ${definitions.map((d) => d.name).join(', ')}, or give a 12-digit account ID`);
  return { accountId: found.allowedAccountIds[0], region: found.region };
}

async function main(args: string[]): Promise<number> {
  // runCli silences the SDK's Node-version notice, which would end up in `eval "$(... credentials ...)"`.
  const [command, ...rest] = args;
  switch (command) {
    case 'up': {
      const state = await sandboxUp(process.env, say);
      say(`sandbox: ${state.endpoint} (moto pid ${state.motoPid}, supervisor pid ${state.pid})`);
      say('sandbox: next: eval "$(npm run -s sandbox -- credentials staging)" then SANDBOX=1 npx cdktf deploy staging');
      process.stdout.write(`${state.endpoint}\n`);
      return 0;
    }
    case 'down': {
      const stopped = await sandboxDown(process.env, say);
      say(stopped ? 'sandbox: stopped; its resources and state are gone' : 'sandbox: not running');
      return 0;
    }
    case 'status': {
      const status = await sandboxStatus(sandboxPaths());
      if (!status.running) {
        say(`sandbox: not running${status.staleRemoved ? ' (removed a stale state file)' : ''}`);
        return 1;
      }
      const { state } = status;
      say(`sandbox: running since ${state.startedAt}: moto ${state.motoVersion} (${state.emulatorSource}), supervisor pid ${state.pid}, moto pid ${state.motoPid}`);
      say(`sandbox: plain-HTTP port (aws:SecureTransport=false): ${state.insecureEndpoint}; CA: ${state.caFile}`);
      for (const line of iamStatusLines(await sandboxIamStatus(state))) say(line);
      process.stdout.write(`${state.endpoint}\n`);
      return 0;
    }
    case 'reset': {
      const state = await sandboxReset();
      say(`sandbox: reset ${state.endpoint}: every account is empty again`);
      return 0;
    }
    case 'install': {
      const emulator = ensureEmulator(sandboxPaths());
      say(`sandbox: moto ${emulator.version} (${emulator.source})`);
      return 0;
    }
    case 'credentials': {
      if (rest.length !== 1) throw new SandboxError('credentials needs one environment name or account ID, e.g. `npm run -s sandbox -- credentials staging`');
      const { accountId, region } = accountOf(rest[0]);
      const status = await sandboxStatus(sandboxPaths());
      if (!status.running) throw new SandboxError('the sandbox is not running: start it with `npm run sandbox -- up`');
      const credentials = await sandboxCredentials(status.state, accountId, region);
      const variables = sandboxSessionVariables({ state: status.state, home: sandboxPaths().home }, credentials, region);
      process.stdout.write(`${exportLines(accountId, variables).join('\n')}\n`);
      return 0;
    }
    default:
      say(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

runCli('sandbox', main);
