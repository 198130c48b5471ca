import { hostname } from 'node:os';
import { outputTail } from '../toolkit/run-command';
import { BootstrapError } from '../toolkit/errors';
import type { Target } from '../sandbox/target';
import { confirm } from './confirm';
import { holderProcess } from './local-holders';
import { StackTerraform } from './stack-terraform';
import { diffStates, withSerial, type StateContent } from './state-content';
import { stateUri, type StateLocation } from './state-location';
import { describeHolder, StateStore, type HeldLock, type StateVersion } from './state-store';
import { unrecordedResources } from './unrecorded';

/** What every verb gets from the entry point. */
export interface StateCommandContext {
  readonly target: Target;
  readonly location: StateLocation;
  readonly env: NodeJS.ProcessEnv;
  /** Progress and explanations (stderr). */
  readonly say: (line: string) => void;
  /** Results (stdout). */
  readonly print: (line: string) => void;
  /** Answer every confirmation with yes (CI). */
  readonly yes: boolean;
  /** The command line to suggest when it must be re-run with --yes. */
  readonly rerun: string;
  readonly now?: () => Date;
}

/** Exit codes the verbs return besides 0 (done) and 1 (refused or failed, a UserError) and 2 (usage). */
export const EXIT_NOT_CLEAN = 3;

async function withStore<T>(context: StateCommandContext, body: (store: StateStore) => Promise<T>): Promise<T> {
  const store = await StateStore.open(context.target, context.location, context.env, (line) => context.say(`state: ${context.location.stack.name}: ${line}`));
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * `npm run state -- history <stack>`: every version and delete marker of the stack's state object,
 * newest first, with what each version says about itself. Reads only.
 */
export async function stateHistory(context: StateCommandContext): Promise<number> {
  const { location, say, print } = context;
  return withStore(context, async (store) => {
    const versions = await store.versions();
    say(`state: ${location.stack.name}: ${stateUri(location)}, read as ${store.as}: ${versions.length} version${versions.length === 1 ? '' : 's'} (newest first)`);
    if (versions.length === 0) {
      print(`no versions of ${stateUri(location)}: ${location.stack.name} was never deployed with this backend`);
      return 0;
    }
    const rows: string[][] = [['VERSION', 'LAST MODIFIED', 'SIZE', 'SERIAL', 'LINEAGE', 'TERRAFORM', 'RESOURCES', 'CURRENT']];
    for (const version of versions) {
      const current = version.isLatest ? 'current' : '';
      if (version.deleteMarker) {
        rows.push([version.versionId, iso(version.lastModified), '-', '-', '(delete marker: the object was deleted)', '-', '-', current]);
        continue;
      }
      const read = await store.readState(version.versionId);
      if (read.ok) rows.push([version.versionId, iso(version.lastModified), String(version.size), String(read.state.serial), read.state.lineage, read.state.terraformVersion, String(read.state.instances.size), current]);
      else rows.push([version.versionId, iso(version.lastModified), String(version.size), '-', `(${read.problem})`, '-', '-', current]);
    }
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) print(row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
    return 0;
  });
}

export type RestoreChoice = { readonly kind: 'version'; readonly versionId: string } | { readonly kind: 'before'; readonly time: Date };

/** The version a restore targets: a named one (never a delete marker), or the newest written before a time. */
export function chooseVersion(versions: readonly StateVersion[], choice: RestoreChoice, uri: string): StateVersion {
  if (choice.kind === 'version') {
    const found = versions.find((version) => version.versionId === choice.versionId);
    if (!found) throw new BootstrapError(`${uri} has no version ${choice.versionId}: \`npm run state -- history <stack>\` lists them`);
    if (found.deleteMarker) throw new BootstrapError(`version ${choice.versionId} of ${uri} is a delete marker, not a state: choose a version listed with a serial`);
    return found;
  }
  const found = versions.find((version) => !version.deleteMarker && version.lastModified.getTime() < choice.time.getTime());
  if (!found) throw new BootstrapError(`${uri} has no version written before ${iso(choice.time)}: \`npm run state -- history <stack>\` lists them`);
  return found;
}

/**
 * `npm run state -- restore <stack> --version <id> | --before <time>`: shows what would change,
 * asks, then restores through Terraform (`terraform state push` in the stack's directory, serial
 * raised above the current one), so the lock is taken and the digest written as on every run, and
 * runs `terraform plan` to say whether the restored state matches what is deployed. The state that
 * was current stays as a version: nothing is deleted.
 */
export async function stateRestore(context: StateCommandContext, choice: RestoreChoice, options: { readonly otherLineage: boolean }): Promise<number> {
  const { location, say, print } = context;
  const name = location.stack.name;
  const uri = stateUri(location);
  const now = context.now ?? (() => new Date());
  return withStore(context, async (store) => {
    const versions = await store.versions();
    const latest = versions.find((version) => version.isLatest);
    const chosenVersion = chooseVersion(versions, choice, uri);
    const chosenRead = await store.readState(chosenVersion.versionId);
    if (!chosenRead.ok) throw new BootstrapError(`version ${chosenVersion.versionId} cannot be restored: ${chosenRead.problem}; nothing was changed`);
    const chosen = chosenRead.state;
    let current: StateContent | undefined;
    if (latest && !latest.deleteMarker) {
      const read = await store.readState(latest.versionId);
      if (read.ok) current = read.state;
      else say(`state: ${name}: the current version ${latest.versionId} is not a state file (${read.problem}): it is replaced like an empty one`);
    }
    const deleted = !latest || latest.deleteMarker;

    if (current && current.md5 === chosen.md5) {
      print(`version ${chosenVersion.versionId} is what ${uri} holds now: nothing to restore`);
      return 0;
    }
    const serial = Math.max(current?.serial ?? 0, chosen.serial) + 1;
    const diff = diffStates(current, chosen);
    print(`restore ${name}: ${uri}`);
    print(`  from: ${deleted ? `nothing (the object was deleted${latest ? ` at ${iso(latest.lastModified)}` : ''})` : current ? `version ${latest!.versionId} of ${iso(latest!.lastModified)}, serial ${current.serial}, lineage ${current.lineage}, ${current.instances.size} resources` : `version ${latest!.versionId} (not a state file)`}`);
    print(`  to:   version ${chosenVersion.versionId} of ${iso(chosenVersion.lastModified)}, serial ${chosen.serial} (pushed as serial ${serial}), lineage ${chosen.lineage}, ${chosen.instances.size} resources`);
    for (const address of diff.added) print(`  + ${address}`);
    for (const address of diff.removed) print(`  - ${address}`);
    for (const address of diff.changed) print(`  ~ ${address}`);
    if (diff.added.length + diff.removed.length + diff.changed.length === 0) print('  (the same resources with the same attributes)');

    const locks = await store.heldLocks();
    if (locks.length > 0) throw lockedError(locks, now(), `nothing was changed; wait for that run to finish and re-run, or if it died, \`npm run state -- doctor ${name}\``);
    const otherLineage = current !== undefined && current.lineage !== chosen.lineage;
    if (otherLineage && !options.otherLineage) {
      throw new BootstrapError(
        `version ${chosenVersion.versionId} belongs to another state (lineage ${chosen.lineage}; the current state's is ${current!.lineage}): nothing was changed. ` +
          'A state of another lineage was written by another configuration or a fresh `init`; if you are sure it is this stack\'s, re-run with --other-lineage (Terraform then pushes with -force).',
      );
    }

    // A deleted (or otherwise replaced) object with DynamoDB locking leaves a digest Terraform cannot
    // match; it would refuse to read the state, and so to push. Set it first, as its error prescribes.
    const digest = await store.digest();
    const storedMd5 = deleted ? '' : (current?.md5 ?? '');
    const fixDigest = digest !== undefined && digest !== '' && digest !== storedMd5;
    if (fixDigest) print(`  digest: ${location.dynamodbTable} holds ${digest} for a stored state whose MD5 is ${storedMd5 || '(none: no object)'}; it is ${storedMd5 ? `set to ${storedMd5}` : 'removed from the item'} first, as Terraform's checksum error prescribes`);
    if (!(await confirm(`Restore version ${chosenVersion.versionId} as ${name}'s state (terraform state push in ${location.stack.directory})?`, { yes: context.yes, rerun: context.rerun }))) {
      print('not confirmed: nothing was changed');
      return 1;
    }
    // The digest first: `terraform init` already reads the state, and would stop on it.
    if (fixDigest) await store.setDigest(storedMd5);
    const terraform = new StackTerraform(store, context.env, say);
    await terraform.init();
    const started = Date.now();
    // Where no state object exists, Terraform (1.11.4 measured) persists a pushed state under a NEW
    // lineage: having read no snapshot, its remote state manager generates one. So a deleted object
    // takes two pushes, both through Terraform: the first creates the object, the second (-force, the
    // lineage now differing by construction) writes the chosen lineage over it.
    if (deleted) {
      const create = await terraform.push(withSerial(chosen, serial), false);
      if (create.code !== 0) throw new BootstrapError(`${terraform.binary} state push failed (exit ${create.code}); the object is still deleted:\n${outputTail(create.output, 15)}`);
      say(`state: ${name}: ${terraform.binary} state push created the object (Terraform gave it a new lineage); pushing again to keep lineage ${chosen.lineage}`);
    }
    const push = await terraform.push(withSerial(chosen, serial + (deleted ? 1 : 0)), otherLineage || deleted);
    if (push.code !== 0) {
      throw new BootstrapError(`${terraform.binary} state push failed (exit ${push.code}); the state is as it was${fixDigest ? ' (only its digest item was set to match it)' : ''}:\n${outputTail(push.output, 15)}`);
    }
    say(`state: ${name}: ${terraform.binary} state push (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const after = (await store.versions()).find((version) => version.isLatest);
    const stored = after && !after.deleteMarker ? await store.readState(after.versionId) : undefined;
    if (!stored?.ok || stored.state.lineage !== chosen.lineage || stored.state.md5 === current?.md5) {
      throw new BootstrapError(`${terraform.binary} state push exited 0, but ${uri} does not hold the chosen state (now: ${stored?.ok ? `lineage ${stored.state.lineage}, serial ${stored.state.serial}` : 'unreadable'}): run \`npm run state -- history ${name}\` and restore again`);
    }
    print(`restored: ${uri} is now version ${after!.versionId} (serial ${stored.state.serial}, lineage ${stored.state.lineage}, ${stored.state.instances.size} resources); the state it replaced stays as version ${latest?.versionId ?? '(none)'}`);
    return reportPlan(terraform, name, print);
  });
}

async function reportPlan(terraform: StackTerraform, name: string, print: (line: string) => void): Promise<number> {
  const unset = terraform.unsetSecrets;
  const plan = await terraform.plan();
  const note = unset.length > 0 ? ` (${unset.map((v) => `TF_VAR_${v}`).join(', ')} not set: a placeholder was used, so their resources may show as changed)` : '';
  if (plan.kind === 'clean') {
    print(`plan: no changes: the restored state matches what is deployed${note}`);
    return 0;
  }
  if (plan.kind === 'changes') {
    print(`plan: ${plan.summary}: the restored state does NOT match what is deployed${note}; review \`${terraform.binary} plan\` in ${name}'s directory before the next deploy`);
    return EXIT_NOT_CLEAN;
  }
  print(`plan failed: ${outputTail(plan.output, 15)}`);
  return EXIT_NOT_CLEAN;
}

function lockedError(locks: readonly HeldLock[], now: Date, then: string): BootstrapError {
  return new BootstrapError(`the state is locked: ${locks.map((lock) => describeHolder(lock, now)).join('; ')}; ${then}`);
}

/**
 * `npm run state -- doctor <stack>`: a stale lock (its holder, operation, age, and whether the
 * holder's process still runs on this machine), a digest that does not match the stored state, and
 * resources the configuration names that exist but are not in the state. With confirmation it
 * releases the lock through `terraform force-unlock`, sets the digest to the stored state's MD5 and
 * prints the `terraform import` commands; it never writes the state itself.
 */
export async function stateDoctor(context: StateCommandContext): Promise<number> {
  const { location, say, print } = context;
  const name = location.stack.name;
  const now = (context.now ?? (() => new Date()))();
  return withStore(context, async (store) => {
    const terraform = new StackTerraform(store, context.env, say);
    const problems: string[] = [];
    const repairs: Array<{ what: string; run: () => Promise<void> }> = [];

    const locks = await store.heldLocks();
    const lockIds = new Set<string>();
    let holderRuns = false;
    for (const lock of locks) {
      const holder = holderProcess(lock.info, location.stack.directory, [terraform.binary, 'terraform', 'tofu']);
      const running =
        holder.kind === 'running'
          ? `a ${terraform.binary} process runs in ${name}'s directory on this machine (pid ${holder.pids.join(', ')}): the lock is in use, not stale`
          : holder.kind === 'not-running'
            ? `no ${terraform.binary} process runs in ${name}'s directory on this machine (${hostname()}): the holder has ended`
            : `taken on ${holder.host}, not this machine: whether its run still goes on cannot be told from here; ask its holder or check CI`;
      print(`lock: ${describeHolder(lock, now)}; ${running}`);
      if (holder.kind === 'running') holderRuns = true;
      else if (lock.info.ID) lockIds.add(lock.info.ID);
      problems.push('lock');
    }
    if (locks.length === 0) print(`lock: none held${location.useLockfile ? ` (no ${location.key}.tflock)` : ''}${location.dynamodbTable ? ` (no lock item in ${location.dynamodbTable})` : ''}`);
    if (!holderRuns) {
      for (const id of lockIds) {
        repairs.push({
          what: `release lock ${id} with \`${terraform.binary} force-unlock\``,
          run: async () => {
            const unlock = await terraform.forceUnlock(id);
            // With both locks, force-unlock exits 1 when only one of them was left (docs/troubleshooting.md): what counts is that none is held now.
            if (unlock.code !== 0 && (await store.heldLocks()).length > 0) throw new BootstrapError(`${terraform.binary} force-unlock ${id} failed (exit ${unlock.code}):\n${outputTail(unlock.output, 10)}`);
            print(`released lock ${id} (${terraform.binary} force-unlock)`);
          },
        });
      }
    }

    const versions = await store.versions();
    const latest = versions.find((version) => version.isLatest);
    let stored: StateContent | undefined;
    let storedMd5 = '';
    if (latest && !latest.deleteMarker) {
      const read = await store.readState(latest.versionId);
      if (read.ok) {
        stored = read.state;
        storedMd5 = read.state.md5;
      } else print(`state: the current version ${latest.versionId} is not a state file (${read.problem}): \`npm run state -- history ${name}\`, then restore one`);
    } else {
      print(`state: ${stateUri(location)} ${latest ? 'was deleted (a delete marker is current)' : 'does not exist'}: \`npm run state -- history ${name}\`, then \`npm run state -- restore ${name} --version <id>\``);
      if (latest) problems.push('deleted');
    }
    const digest = await store.digest();
    if (digest !== undefined) {
      if (digest === '' || digest === storedMd5) print(`digest: ${digest === '' ? 'none recorded' : `${digest} matches the stored state`}`);
      else {
        print(`digest: ${location.dynamodbTable} holds ${digest}, the stored state's MD5 is ${storedMd5 || '(none: no object)'}: Terraform stops with "state data in S3 does not have the expected content"`);
        problems.push('digest');
        repairs.push({
          what: storedMd5 ? `set the digest item's value to ${storedMd5} (the stored state's MD5, as Terraform's error prescribes)` : "remove the digest item's value (no state object is stored, as Terraform's error prescribes)",
          run: async () => {
            await store.setDigest(storedMd5);
            print(storedMd5 ? `digest set to ${storedMd5}` : 'digest value removed');
          },
        });
      }
    }

    const recorded = new Set([...(stored?.instances.keys() ?? [])].map((address) => address.replace(/\[.*\]$/, '')));
    const found = await unrecordedResources(location.stack.directory, recorded, store.session.clientConfig);
    for (const resource of found.unrecorded) {
      print(`unrecorded: ${resource.address} exists (${resource.id}) but is not in the state: cd ${location.stack.directory} && ${terraform.binary} import ${resource.address} ${resource.id}`);
      problems.push('unrecorded');
    }
    if (found.unknown.length > 0) print(`unrecorded: could not check ${found.unknown.join(', ')} (the account's credentials may not read them)`);
    if (found.unrecorded.length === 0) print(`unrecorded: none of the ${found.checked.length} named resource${found.checked.length === 1 ? '' : 's'} missing from the state exists`);

    if (problems.length === 0) {
      print(`${name}: nothing to repair`);
      return 0;
    }
    if (repairs.length === 0) {
      print(`${name}: nothing the doctor may repair (see above)`);
      return EXIT_NOT_CLEAN;
    }
    for (const repair of repairs) print(`repair: ${repair.what}`);
    if (!(await confirm(`Apply ${repairs.length === 1 ? 'this repair' : `these ${repairs.length} repairs`} to ${name}'s state?`, { yes: context.yes, rerun: context.rerun }))) {
      print('not confirmed: nothing was changed');
      return 1;
    }
    // The digest first: force-unlock never reads the state, but the next run does.
    for (const repair of repairs.sort((a, b) => Number(a.what.startsWith('release')) - Number(b.what.startsWith('release')))) await repair.run();
    const left = problems.filter((problem) => problem === 'unrecorded' || problem === 'deleted' || (problem === 'lock' && holderRuns));
    return left.length > 0 ? EXIT_NOT_CLEAN : 0;
  });
}
