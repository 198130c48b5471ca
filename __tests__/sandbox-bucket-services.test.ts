import { accessLogRecord, parseReplication } from '../tooling/sandbox/shim/bucket-services';

/** The parts of the shim's access logs and replication that read and write S3's formats (the e2e drills run them for real). */
describe('parseReplication', () => {
  // As the AWS provider puts it for the state-backend's rule (empty filter, delete markers, SSE-KMS objects).
  const put = `<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Role>arn:aws:iam::333333333333:role/r</Role><Rule><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication><Destination><Bucket>arn:aws:s3:::replica</Bucket><EncryptionConfiguration><ReplicaKmsKeyID>arn:aws:kms:eu-central-1:333333333333:key/k</ReplicaKmsKeyID></EncryptionConfiguration><StorageClass>STANDARD</StorageClass></Destination><Filter></Filter><ID>every-state-object</ID><SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects></SourceSelectionCriteria><Status>Enabled</Status></Rule></ReplicationConfiguration>`;

  it('reads the role, the destination, the replica key and what the rule replicates', () => {
    expect(parseReplication(put)).toEqual({
      role: 'arn:aws:iam::333333333333:role/r',
      rules: [{ prefix: '', priority: 0, deleteMarkers: true, sseKmsObjects: true, destinationBucket: 'replica', replicaKmsKeyId: 'arn:aws:kms:eu-central-1:333333333333:key/k' }],
    });
  });

  it('a disabled rule replicates nothing, even when its parts say Enabled', () => {
    expect(parseReplication(put.replace(/<Status>Enabled<\/Status><\/Rule>/, '<Status>Disabled</Status></Rule>'))?.rules).toEqual([]);
  });

  it('a rule without delete marker replication, with a prefix filter', () => {
    const xml = put.replace('<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>', '').replace('<Filter></Filter>', '<Filter><Prefix>acme/</Prefix></Filter>');
    expect(parseReplication(xml)?.rules[0]).toMatchObject({ prefix: 'acme/', deleteMarkers: false });
  });
});

describe('accessLogRecord', () => {
  it('writes the fields of S3\'s server access log format, in order', () => {
    const record = accessLogRecord({
      owner: '333333333333',
      s3: { method: 'GET', bucket: 'acme-tfstate', key: 'acme/staging/terraform.tfstate', secure: true },
      requester: 'arn:aws:sts::333333333333:assumed-role/acme-staging-tfstate/s',
      status: 200,
      upstream: { status: 200, headers: { 'x-amz-version-id': 'v1' }, body: Buffer.from('{}') },
      path: '/acme-tfstate/acme/staging/terraform.tfstate',
      userAgent: 'Terraform/1.11.4',
      requestId: 'R1',
      time: new Date(Date.UTC(2026, 11, 6, 9, 5, 7)),
    });
    expect(record).toBe(
      '333333333333 acme-tfstate [06/Dec/2026:09:05:07 +0000] 127.0.0.1 arn:aws:sts::333333333333:assumed-role/acme-staging-tfstate/s R1 REST.GET.OBJECT acme/staging/terraform.tfstate ' +
        '"GET /acme-tfstate/acme/staging/terraform.tfstate HTTP/1.1" 200 - 2 - 0 0 "-" "Terraform/1.11.4" v1 - SigV4 TLS_AES_128_GCM_SHA256 AuthHeader - TLSv1.3 - -',
    );
  });
});
