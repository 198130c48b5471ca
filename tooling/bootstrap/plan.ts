import { join, resolve } from 'node:path';
import type { AppDefinition } from '../../lib/app/build-app';
import type { SettingSources } from '../../lib/settings/blueprint';
import { resolveDefinitions } from '../../lib/settings/resolve-definitions';
import { settingProblems, SETTINGS } from '../../lib/settings/blueprint';
import { DefinitionError } from '../../lib/definitions/errors';
import type { LoadedSources } from '../../lib/settings/setting-sources';
import { s3StateKey } from '../../lib/backends/s3-backend';
import { localStatePath } from '../../lib/naming/naming-rule';
import type { StateBackendDefinition } from '../../lib/definitions/state-backend-definition';
import { BootstrapError } from '../toolkit/errors';
import type { StateLocation } from './inspect';

/** The state-backend stack as each phase synthesizes it, and where its state lives in each. */
export interface BootstrapLayout extends StateLocation {
  readonly project: string;
  readonly stack: string;
  readonly accountId: string;
  readonly region: string;
  readonly lockTable: string;
  readonly kmsAlias?: string;
  readonly stackDir: string;
}

/** Settings as synth sees them, with `stateBackendMigrated` pinned for one phase (the variable wins over context). */
function withMigrated(input: LoadedSources | SettingSources, migrated: boolean): LoadedSources {
  const { sources, problems } = 'sources' in input ? input : { sources: input, problems: [] };
  return { sources: { context: sources.context, env: { ...sources.env, STATE_BACKEND_MIGRATED: migrated ? 'true' : 'false' } }, problems };
}

/**
 * The settings as the user wrote them, checked before bootstrap pins `stateBackendMigrated` per phase
 * (which would otherwise hide a bad value: the variable it sets wins over cdktf.json). The same strict
 * parsing synth applies (lib/settings: `parseBoolean`, `settingProblems`), to every setting, and to
 * cdktf.json's `stateBackendMigrated` even when STATE_BACKEND_MIGRATED shadows it: bootstrap tells the
 * user to set that key next, and every later synth without the variable would stop on it.
 */
export function assertBootstrapSettings(definition: AppDefinition, input: LoadedSources): void {
  const problems: string[] = [];
  try {
    resolveDefinitions(definition, input);
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    problems.push(...error.problems);
  }
  const { sources } = input;
  if (sources.env[SETTINGS.stateBackendMigrated.env] !== undefined && sources.env[SETTINGS.stateBackendMigrated.env] !== '') {
    const contextOnly = { context: sources.context, env: { ...sources.env, [SETTINGS.stateBackendMigrated.env]: undefined } };
    problems.push(...settingProblems(contextOnly).filter((problem) => problem.includes(`"${SETTINGS.stateBackendMigrated.context}"`)));
  }
  const unique = [...new Set(problems)];
  if (unique.length > 0) {
    throw new BootstrapError(
      `the settings do not resolve as synth reads them (${unique.length} problem${unique.length === 1 ? '' : 's'}); nothing was done:\n` +
        unique.map((problem) => `  - ${problem}`).join('\n') +
        '\nFix them (cdktf.json "context" or the environment variable each names) and re-run `npm run bootstrap`.',
    );
  }
}

/**
 * The state-backend stack in each phase, resolved through synth's one path (resolveDefinitions), so
 * bootstrap acts on exactly the stack `cdktf synth` writes; definition problems stop it as they stop synth.
 */
export function bootstrapLayout(definition: AppDefinition, input: LoadedSources | SettingSources, outDir: string): BootstrapLayout {
  const phase1: StateBackendDefinition = resolveDefinitions(definition, withMigrated(input, false)).stateBackend;
  const { blueprint, stateBackend: phase2 } = resolveDefinitions(definition, withMigrated(input, true));
  if (phase1.state.kind !== 'local') {
    throw new BootstrapError(`environments/state-backend.ts: phase 1 must keep the stack's state local (its bucket does not exist yet), but it is "${phase1.state.kind}"`);
  }
  if (phase2.state.kind !== 's3' || phase2.state.bucket !== phase2.bucket) {
    throw new BootstrapError(`environments/state-backend.ts: once stateBackendMigrated is set, the stack's state must be S3 in its own bucket "${phase2.bucket}"`);
  }
  const stackDir = join(outDir, 'stacks', phase1.name);
  return {
    project: blueprint.project,
    stack: phase1.name,
    accountId: phase1.allowedAccountIds[0],
    region: phase1.region,
    bucket: phase2.bucket,
    key: s3StateKey(phase2.state, { project: blueprint.project, stack: phase2.name }),
    lockTable: phase2.lockTable,
    kmsAlias: phase2.encryption.kind === 'sse-kms' ? phase2.encryption.kmsAlias : undefined,
    stackDir,
    localStateFile: resolve(stackDir, phase1.state.path ?? localStatePath(phase1.name)),
  };
}
