// First: a problem while the other modules load is reported as runCli reports it, not as a trace.
import { runCli } from '../toolkit/run-cli';
import { exportLines, sandboxCredentials } from '../sandbox/credentials';
import { ensureEmulator } from '../sandbox/emulator';
import { iamStatusLines, MODELLED_SERVICES, requireHealthySandbox, SandboxError, sandboxDown, sandboxHealth, sandboxIamStatus, sandboxReset, sandboxStatus, sandboxUp } from '../sandbox/lifecycle';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import { sandboxSessionVariables } from '../sandbox/target';
import { directoryFromEnv, integerFromEnv, parseArgs, UsageError, type CommandSpec, type EnvValue } from '../toolkit/cli-args';
import { writeCredentialsFile } from '../sandbox/credentials';
import { sandboxProject, sandboxProjectVariables } from '../sandbox/sandbox-project';
import { describeCliConfig } from '../toolkit/terraform-cli-config';
import { seedSandboxLockFiles } from '../sandbox/provider-lock';
import { shellQuote } from '../toolkit/shell-quote';
import { loadControlPolicy } from '../sandbox/organizations';

/** moto's default account: the organization's management account unless SANDBOX_ORG_MANAGEMENT_ACCOUNT says otherwise. */
const DEFAULT_MANAGEMENT_ACCOUNT = '123456789012';

const USAGE = `usage: npm run sandbox -- <command>
  up                     start the local AWS sandbox (moto behind the shim; installs moto first if missing)
  down [--force]         stop it and discard everything in it (resources, dev's state); refused while
                         a command uses it (a deploy) unless --force
  status                 is it running? (exit 0 yes, 1 no); IAM enforcement's counts, unmapped requests by name
  reset [--force]        delete every resource in every account; keep it running (same refusal)
  install                install the emulator only (tooling/sandbox/install-emulator.sh)
  scp <file> | rcp <file>  load a service (or resource) control policy's JSON into the sandbox's
                         organization and attach it to its root: the blueprint's accounts are its
                         members, enforced as AWS does (docs/sandbox.md, "Guardrails")
  credentials <env|id>   write the export lines acting in that environment's account to a file
                         in the sandbox's run directory (also printed); take them with
                           npm run sandbox -- credentials staging && . .sandbox/run/credentials/staging.sh
Environment: SANDBOX_PORT (HTTPS port, default: the port this sandbox home used last, else a free one), SANDBOX_HOME (default .sandbox/),
SANDBOX_EMULATOR=auto|path|debian (where moto comes from); SANDBOX_ORG_MANAGEMENT_ACCOUNT (scp/rcp: the
organization's management account, default ${DEFAULT_MANAGEMENT_ACCOUNT}); SANDBOX_IAM=off (bench only: no IAM
enforcement); SANDBOX_IAM_UNMAPPED=allow (up: let requests enforcement cannot map through unjudged). docs/sandbox.md`;

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The blueprint's stacks as synth resolves them, loaded only by the commands that name an account
 * (credentials, scp, rcp): up, down and status start without the app and cdktf (80 modules instead
 * of 657, about 0.4 s of CPU less each).
 * An environment file that does not compile is reported by runCli all the same.
 */
function resolvedStacks() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { appDefinition } = require('../../environments') as typeof import('../../environments');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const { definedStacks, projectDefinitions } = require('../toolkit/project-definitions') as typeof import('../toolkit/project-definitions');
  const resolved = projectDefinitions(appDefinition, process.env, PROJECT_DIR);
  return { stateRegion: resolved.blueprint.stateRegion, definitions: definedStacks(resolved) };
}

/** The stacks whose allowed account is `accountId` (what a shell with that account's credentials can deploy). */
function stacksOfAccount(accountId: string): string[] {
  const { definitions } = resolvedStacks();
  return definitions.filter((definition) => definition.allowedAccountIds.includes(accountId)).map((definition) => definition.name);
}

/** The account and region of an environment (or the state-backend), by name or account ID. */
function accountOf(target: string): { accountId: string; region: string } {
  // The same settings and definitions synth resolves, so the account is the one the stack guards.
  const { stateRegion, definitions } = resolvedStacks();
  if (/^\d{12}$/.test(target)) return { accountId: target, region: stateRegion };
  const found = definitions.find((definition) => definition.name === target);
  if (!found) throw new SandboxError(`unknown environment "${target}": choose from ${definitions.map((d) => d.name).join(', ')}, or give a 12-digit account ID`);
  return { accountId: found.allowedAccountIds[0], region: found.region };
}

const COMMANDS = ['up', 'down', 'status', 'reset', 'install', 'credentials', 'scp', 'rcp', 'help'] as const;

/** Each command's arguments: none, except credentials' one name. */
function specOf(command: string): CommandSpec {
  const none = { name: 'argument', min: 0, max: 0 };
  if (command === 'scp' || command === 'rcp') return { usage: USAGE, options: {}, positionals: { name: 'policy file (JSON)', min: 1, max: 1 } };
  const options: CommandSpec['options'] = command === 'down' || command === 'reset' ? { '--force': { kind: 'flag' } } : {};
  return { usage: USAGE, options, positionals: command === 'credentials' ? { name: 'environment name or account ID', min: 1, max: 1 } : none };
}

async function main(args: string[]): Promise<number> {
  // runCli silences the SDK's Node-version notice, which would end up in `eval "$(... credentials ...)"`.
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    say(USAGE);
    return 0;
  }
  // Every environment problem with every argument problem, before anything is touched.
  const envValues: EnvValue<unknown>[] = [directoryFromEnv(process.env, 'SANDBOX_HOME')];
  const management = process.env.SANDBOX_ORG_MANAGEMENT_ACCOUNT || DEFAULT_MANAGEMENT_ACCOUNT;
  if ((command === 'scp' || command === 'rcp') && !/^\d{12}$/.test(management)) {
    envValues.push({ ok: false, problem: `SANDBOX_ORG_MANAGEMENT_ACCOUNT=${JSON.stringify(management)} is not a 12-digit account ID: unset it to use ${DEFAULT_MANAGEMENT_ACCOUNT}` });
  }
  if (command === 'up') envValues.push(integerFromEnv(process.env, 'SANDBOX_PORT', { min: 1, max: 65535 }, 'unset it to let the sandbox choose a free port'));
  // The one value SANDBOX_IAM_UNMAPPED takes: anything else would silently leave unmapped requests refused.
  const unmapped = process.env.SANDBOX_IAM_UNMAPPED;
  if (command === 'up' && unmapped !== undefined && unmapped !== '' && unmapped !== 'allow') {
    envValues.push({ ok: false, problem: `SANDBOX_IAM_UNMAPPED=${JSON.stringify(unmapped)} is not "allow": set it to allow to let requests IAM enforcement cannot map through unjudged, or unset it to have them refused` });
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError([`unknown command ${JSON.stringify(command)}: choose from ${COMMANDS.join(', ')}`, ...envValues.flatMap((v) => (v.ok ? [] : [v.problem]))], USAGE);
  }
  const parsed = parseArgs(specOf(command), rest, envValues);
  const force = parsed.flags.has('--force');
  switch (command) {
    case 'up': {
      const state = await sandboxUp(process.env, say);
      say(`sandbox: ${state.endpoint} (moto pid ${state.motoPid}, supervisor pid ${state.pid})`);
      say(`sandbox: IAM enforcement judges ${MODELLED_SERVICES.join(', ')} (a request it cannot map is refused${process.env.SANDBOX_IAM_UNMAPPED === 'allow' ? ', but SANDBOX_IAM_UNMAPPED=allow lets it through' : ''}); other services are not modelled and allowed unjudged (listed by \`npm run sandbox -- status\`)`);
      say('sandbox: next: npm run bootstrap -- --sandbox, then npm run sandbox:deploy -- staging and npm run sandbox:state -- staging (README "Try it", docs/sandbox.md)');
      process.stdout.write(`${state.endpoint}\n`);
      return 0;
    }
    case 'down': {
      const stopped = await sandboxDown(process.env, say, { force });
      say(stopped ? 'sandbox: stopped; its resources and state are gone' : 'sandbox: not running');
      return 0;
    }
    case 'status': {
      const status = await sandboxStatus(sandboxPaths());
      if (!status.running) {
        if (status.notOurs) say(`sandbox: ${status.notOurs}`);
        say(`sandbox: not running${status.staleRemoved ? ' (removed a stale state file)' : ''}${status.orphansStopped ? `; stopped ${status.orphansStopped} leftover process(es) of it, found by their marker` : ''}`);
        if (status.lastStop) say(`sandbox: ${status.lastStop}`);
        return 1;
      }
      const { state } = status;
      say(`sandbox: running since ${state.startedAt}: moto ${state.motoVersion} (${state.emulatorSource}), supervisor pid ${state.pid}, moto pid ${state.motoPid}`);
      say(`sandbox: plain-HTTP port (aws:SecureTransport=false): ${state.insecureEndpoint}; CA: ${state.caFile}`);
      // Its pids exist; whether moto and the shim answer is another question.
      const health = await sandboxHealth(state);
      if (!health.ok) {
        for (const problem of health.problems) say(`sandbox: NOT ANSWERING: ${problem}`);
        say('sandbox: running, but not answering: every command against it would wait and fail');
        return 1;
      }
      say('sandbox: moto and the shim answer');
      for (const line of iamStatusLines(await sandboxIamStatus(state))) say(line);
      process.stdout.write(`${state.endpoint}\n`);
      return 0;
    }
    case 'reset': {
      const state = await sandboxReset(process.env, say, { force });
      say(`sandbox: reset ${state.endpoint}: every account is empty again`);
      return 0;
    }
    case 'install': {
      const emulator = ensureEmulator(sandboxPaths());
      say(`sandbox: moto ${emulator.version} (${emulator.source})`);
      return 0;
    }
    case 'credentials': {
      const { accountId, region } = accountOf(rest[0]);
      const status = await sandboxStatus(sandboxPaths());
      if (!status.running) throw new SandboxError('the sandbox is not running: start it with `npm run sandbox -- up`');
      await requireHealthySandbox(status.state);
      const credentials = await sandboxCredentials(status.state, accountId, region);
      // The project's variables too (recorded bootstrap, generated CLI config offline), so a plain
      // `SANDBOX=1 npx cdktf deploy` in that shell synthesizes and installs as the npm commands do.
      const project = sandboxProject(sandboxPaths(), process.env);
      const line = describeCliConfig(project.cliConfig, process.env);
      if (line) say(line);
      // Offline (providers from the mirror), give this account's stacks a lock file made from the mirror,
      // so `cdktf deploy` skips its registry-only `providers lock` without --skip-provider-lock.
      if (project.cliConfig.kind === 'generated') {
        const stacks = stacksOfAccount(accountId);
        if (stacks.length) {
          say(await seedSandboxLockFiles({ runDir: sandboxPaths().runDir, outDir: project.outDir, mirror: project.cliConfig.mirror, stacks, env: { ...process.env, ...sandboxProjectVariables(project) } }));
        }
      }
      const variables = { ...sandboxProjectVariables(project), ...sandboxSessionVariables({ state: status.state, home: sandboxPaths().home }, credentials, region) };
      const lines = exportLines(accountId, variables);
      const file = writeCredentialsFile(sandboxPaths(), rest[0], lines);
      say(`sandbox: credentials for account ${accountId} written to ${file}; take them into this shell with: . ${shellQuote(file)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    case 'scp':
    case 'rcp': {
      // The blueprint first: an environment file that does not compile is reported before anything is touched.
      const { stateRegion, definitions } = resolvedStacks();
      const status = await sandboxStatus(sandboxPaths());
      if (!status.running) throw new SandboxError('the sandbox is not running: start it with `npm run sandbox -- up`');
      const accounts = [...new Set(definitions.flatMap((definition) => definition.allowedAccountIds))].sort();
      const credentials = await sandboxCredentials(status.state, management, stateRegion);
      const type = command === 'scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
      const loaded = await loadControlPolicy(status.state, credentials, { file: rest[0], type, managementAccount: management, joinAccounts: accounts });
      say(`sandbox: ${loaded.createdOrganization ? 'created organization' : 'organization'} ${loaded.organizationId} (management account ${management}); members under its root: ${loaded.members.join(', ')}`);
      say(`sandbox: ${command.toUpperCase()} ${loaded.policyId} from ${rest[0]} attached to the root ${loaded.rootId}: every request of (${command === 'scp' ? 'principals in' : 'resources of'}) those accounts is now judged with it`);
      process.stdout.write(`${loaded.policyId}\n`);
      return 0;
    }
    default:
      throw new UsageError([`unknown command ${JSON.stringify(command)}`], USAGE);
  }
}

runCli('sandbox', main);
