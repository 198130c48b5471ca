import { DataTerraformRemoteStateS3, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend } from '../../lib/backends/backend-factory';
import { s3BackendConfig } from '../../lib/backends/s3-backend';
import { requiredVersionFor } from '../../lib/backends/terraform-version';
import type { EnvironmentDefinition } from '../../lib/definitions/environment';

/** The example reader stack's name (examples/cross-stack/). */
export const READER_STACK = 'production-reader';

/** The producer's output the reader reads (a workload output every environment stack writes). */
export const READ_OUTPUT = 'assets_bucket_name';

export interface CrossStackReaderProps {
  /** The environment whose state is read (its S3 state, role included, exactly as its own backend has it). */
  readonly producer: EnvironmentDefinition;
  readonly project: string;
}

/**
 * A stack that reads another environment's output through `terraform_remote_state`, configured from the
 * same backend factory the producer's own backend comes from (docs/cross-stack-references.md). It reads an
 * output the producer already writes, so the producer needs no change and no redeploy, unlike cdktf's
 * automatic cross-stack references (which add an output to the producer). Its own state is local here:
 * the example is about the read; a real reader is an environment with its own state and state role.
 */
export class CrossStackReader extends TerraformStack {
  readonly remoteState: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, props: CrossStackReaderProps) {
    super(scope, id);
    const { producer, project } = props;
    if (producer.state.kind !== 's3') throw new Error(`${producer.name}.state: the reader example reads S3 state; ${producer.name} keeps ${producer.state.kind} state`);
    applyStateBackend(this, { kind: 'local' }, { project, stack: id });
    // Reading production's state configures production's backend: its floors (alias KMS key, the role's
    // prefix-limited listing) are this stack's too (lib/backends/terraform-version.ts).
    this.addOverride('terraform.required_version', requiredVersionFor({ kind: 'local' }, [producer.state]));
    // The producer's backend, role and KMS key included: Terraform reads the state as the producer's runs do.
    this.remoteState = new DataTerraformRemoteStateS3(this, producer.name, s3BackendConfig(producer.state, { project, stack: producer.name }));
    new TerraformOutput(this, `${producer.name}_${READ_OUTPUT}`, {
      value: this.remoteState.getString(READ_OUTPUT),
      description: `${producer.name}'s ${READ_OUTPUT}, read from its state through its state role`,
    });
  }
}
