import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend, stateLocation } from '../backends/backend-factory';
import type { EnvironmentDefinition } from '../definitions/environment';
import { applyGuardrails, suppress } from '../guardrails';
import { environmentRole } from '../guardrails/role';
import { stateAccessPolicyJson } from '../iam/state-access-policy';
import { parameterName, resourceName } from '../naming/naming-rule';
import type { SandboxConnection } from '../../tooling/sandbox/connection';
import { lockMechanisms } from '../definitions/state-definition';
import { ExampleWorkload } from '../../workloads/example-workload';
import { addAwsProvider } from './aws-provider';

/** One environment: its state backend, its AWS provider and its workload. */
export class EnvironmentStack extends TerraformStack {
  readonly workload: ExampleWorkload;

  /**
   * `stateAccountId`: account of the state bucket's lock table (the state-backend stack's account).
   * `sandbox`: SANDBOX=1's connection (tooling/sandbox/connection.ts), else undefined.
   * `stateBucket`: the state-backend's bucket, for the cross-account guardrail (omit: the rule does not apply).
   */
  constructor(
    scope: Construct,
    readonly definition: EnvironmentDefinition,
    project: string,
    stateAccountId: string,
    sandbox?: SandboxConnection,
    stateBucket?: string,
  ) {
    super(scope, definition.name);
    const context = { project, stack: definition.name };
    applyStateBackend(this, definition.state, { ...context, sandbox });
    const { role, because } = environmentRole(definition);
    applyGuardrails(this, {
      environment: definition.name,
      protection: definition.protection,
      role,
      because,
      ...(stateBucket !== undefined
        ? { stateAccount: { environmentAccountIds: definition.allowedAccountIds, stateAccountId, stateBucket } }
        : {}),
    });
    for (const suppression of definition.suppressions ?? []) suppress(this, suppression);
    addAwsProvider(this, definition, sandbox);
    this.workload = new ExampleWorkload(this, 'workload', {
      namePrefix: resourceName(project, definition.name, ''),
      parameterPrefix: parameterName(project, definition.name, ''),
      protection: definition.protection,
    });

    new TerraformOutput(this, 'environment', { value: definition.name, description: 'Environment of this stack' });
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
        value: stateAccessPolicyJson(definition.state, { ...context, stateAccountId }),
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
    new TerraformOutput(this, 'assets_bucket_name', {
      value: this.workload.assets.bucket.bucket,
      description: 'Name of the application asset bucket',
    });
    new TerraformOutput(this, 'api_token_parameter', {
      value: this.workload.apiToken.parameter.name,
      description: 'SSM parameter holding the application API token (SecureString; read it with IAM, not from state)',
    });
  }
}
