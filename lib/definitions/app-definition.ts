import type { Construct } from 'constructs';
import type { EnvironmentDefinition, EnvironmentModule } from './environment';
import type { StateBackendModule } from './state-backend-definition';

/** What the engine hands a workload: the environment it is deployed in, and the names it must use. */
export interface WorkloadContext {
  readonly project: string;
  readonly environment: EnvironmentDefinition;
  /** `<project>-<environment>`: prefix of every resource name (the naming rule, lib/naming/). */
  readonly namePrefix: string;
  /** `/<project>/<environment>`: prefix of the environment's SSM parameter names. */
  readonly parameterPrefix: string;
}

/** A stack output a workload declares: shown by `cdktf deploy` and read by the tooling. */
export interface WorkloadOutput {
  readonly value: string;
  readonly description: string;
}

/**
 * Builds what one environment deploys besides its state plumbing, under `scope` (its stack), and
 * returns the stack outputs it wants, by output name. Secrets are sensitive Terraform variables: the
 * tooling finds them in the synthesized configuration, so a new workload needs no tooling change.
 */
export type WorkloadFactory = (scope: Construct, context: WorkloadContext) => Readonly<Record<string, WorkloadOutput>>;

/** The whole app: what `main.ts` hands the engine, and the tooling's entry points hand the tooling. */
export interface AppDefinition {
  /** Every environment, in promotion order: one stack each. */
  readonly environments: readonly EnvironmentModule[];
  /** The stack that creates the state bucket, lock table, key and state roles. */
  readonly stateBackend: StateBackendModule;
  /** What every environment deploys (workloads/): called once per environment stack. */
  readonly workload: WorkloadFactory;
}
