import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';

export interface AppSecretProps {
  /**
   * Name of the Terraform input variable that carries the value. Supplied at deploy time as
   * `TF_VAR_<variableName>` (see docs/SECRETS.md); it is the stack's own variable name, not prefixed.
   */
  readonly variableName: string;
  /** What the secret is, shown by `terraform plan` when the variable is missing. */
  readonly description: string;
  /** SSM parameter path, from the naming rule (`parameterName`). */
  readonly parameterName: string;
  /**
   * KMS key (ID or ARN) encrypting the SecureString.
   * @default - the AWS managed key `alias/aws/ssm`
   */
  readonly kmsKeyId?: string;
}

/**
 * A secret the application reads at runtime: a sensitive Terraform variable stored in an SSM
 * SecureString parameter. The value never appears in the synthesized configuration, only
 * `var.<variableName>`; Terraform does keep it in state (docs/SECRETS.md explains why that is acceptable).
 */
export class AppSecret extends Construct {
  readonly variable: TerraformVariable;
  readonly parameter: SsmParameter;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    this.variable = new TerraformVariable(this, 'value', {
      type: 'string',
      description: props.description,
      sensitive: true,
      // A deploy without the secret must stop at plan, not store an empty parameter.
      nullable: false,
    });
    // A nested construct would get a hashed name; the workflows set TF_VAR_<variableName> by this exact name.
    this.variable.overrideLogicalId(props.variableName);
    this.parameter = new SsmParameter(this, 'parameter', {
      name: props.parameterName,
      description: props.description,
      type: 'SecureString',
      value: this.variable.stringValue,
      keyId: props.kmsKeyId,
    });
  }
}
