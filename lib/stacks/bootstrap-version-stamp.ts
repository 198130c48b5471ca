import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { STATE_BACKEND_VERSION, stateBackendVersionParameterName } from './state-backend-version';

export interface BootstrapVersionStampProps {
  readonly project: string;
  /** @default STATE_BACKEND_VERSION */
  readonly version?: number;
}

/**
 * Records the state-backend's version in the stack it is part of: an SSM String parameter
 * (`/<project>/state-backend/version`, read by the tooling with ssm:GetParameter) and the output
 * `bootstrap_version` (read with `terraform output`).
 */
export class BootstrapVersionStamp extends Construct {
  readonly parameter: SsmParameter;
  readonly output: TerraformOutput;

  constructor(scope: Construct, id: string, props: BootstrapVersionStampProps) {
    super(scope, id);
    const version = props.version ?? STATE_BACKEND_VERSION;
    this.parameter = new SsmParameter(this, 'parameter', {
      name: stateBackendVersionParameterName(props.project),
      type: 'String',
      // Not a secret: `insecure_value` keeps it readable in plans, so a version change shows there.
      insecureValue: `${version}`,
      description: `Version of the ${props.project} state-backend stack as deployed (lib/stacks/state-backend-version.ts)`,
    });
    this.output = new TerraformOutput(this, 'bootstrap_version', { value: version, description: 'Version of the state-backend stack as deployed' });
    // Stable name for `terraform output bootstrap_version`, whatever construct path holds it.
    this.output.overrideLogicalId('bootstrap_version');
  }
}
