import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { WorkloadFactory } from '../definitions/app-definition';
import type { EnvironmentDefinition } from '../definitions/environment';
import { lockMechanisms } from '../definitions/state-definition';
import { applyStateBackend, stateLocation } from '../backends/backend-factory';
import { declareGuardrailScope, suppress } from '../guardrails';
import { environmentRole } from '../guardrails/role';
import { stateAccessPolicyJson } from '../iam/state-access-policy';
import { parameterName, resourceName } from '../naming/naming-rule';
import { addAwsProvider } from './aws-provider';

export interface EnvironmentStackProps {
  /** The validated environment (lib/settings/resolve-definitions.ts); the stack id is its `name`. */
  readonly definition: EnvironmentDefinition;
  /** Prefix of state keys and resource names. */
  readonly project: string;
  /** Account of the state bucket and lock table (the state-backend stack's account). */
  readonly stateAccountId: string;
  /** The state-backend's bucket, for the cross-account guardrail. @default - that rule does not apply */
  readonly stateBucket?: string;
  /**
   * The state-backend's lock table: when the state is in `stateBucket`, the state access policy
   * covers this state's own lock items in it whatever the locking mode. @default - only the state's own table
   */
  readonly stateLockTable?: string;
  /** What the environment deploys (the app definition's `workload`). @default - nothing but the state plumbing */
  readonly workload?: WorkloadFactory;
}

/** One environment: its state backend, its AWS provider, its workload and the outputs that describe them. */
export class EnvironmentStack extends TerraformStack {
  readonly definition: EnvironmentDefinition;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const { definition, project, stateAccountId, stateBucket, stateLockTable } = props;
    this.definition = definition;
    const context = { project, stack: id };
    applyStateBackend(this, definition.state, context);
    const { role, because } = environmentRole(definition);
    declareGuardrailScope(this, {
      environment: id,
      protection: definition.protection,
      role,
      because,
      ...(stateBucket !== undefined
        ? { stateAccount: { environmentAccountIds: definition.allowedAccountIds, stateAccountId, stateBucket } }
        : {}),
    });
    for (const suppression of definition.suppressions ?? []) suppress(this, suppression);
    addAwsProvider(this, definition);
    const workloadOutputs =
      props.workload?.(this, {
        project,
        environment: definition,
        namePrefix: resourceName(project, id, ''),
        parameterPrefix: parameterName(project, id, ''),
      }) ?? {};

    new TerraformOutput(this, 'environment', { value: id, description: 'Environment of this stack' });
    new TerraformOutput(this, 'state_location', {
      value: stateLocation(definition.state, context),
      description: 'Where this stack keeps its Terraform state',
    });
    new TerraformOutput(this, 'state_locking', {
      value: lockMechanisms(definition.state).join('+'),
      description: 'Lock mechanisms guarding this stack\'s state',
    });
    if (definition.state.kind === 's3') {
      // Visible in the synthesized config, so whoever sets up CI can attach exactly this to its role.
      new TerraformOutput(this, 'state_access_policy_json', {
        value: stateAccessPolicyJson(definition.state, {
          ...context,
          stateAccountId,
          ...(definition.state.bucket === stateBucket && stateLockTable !== undefined ? { lockTable: stateLockTable } : {}),
        }),
        description:
          'Least-privilege IAM policy (JSON) to use this stack\'s state and nothing else; attached to its state role (or, in a single-account layout, its CI deploy role)',
      });
      if (definition.state.assumeRole) {
        new TerraformOutput(this, 'state_role_arn', {
          value: definition.state.assumeRole.roleArn,
          description: 'The role the backend assumes to reach this stack\'s state',
        });
      }
    }
    for (const [name, output] of Object.entries(workloadOutputs)) new TerraformOutput(this, name, { ...output });
  }
}
