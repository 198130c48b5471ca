import { join } from 'node:path';
import { findRootImports, projectSourceFiles, rootImportsIn } from './support/root-imports';

// Assembled at run time so that this file itself does not contain a root import for the scan to find.
const AWS = ['@cdktf', 'provider-aws'].join('/');

describe('provider imports', () => {
  it('finds root imports in every form, with their line numbers', () => {
    const source = [
      `import { App } from 'cdktf';`,
      `import { s3Bucket } from '${AWS}';`,
      `import * as aws from "${AWS}";`,
      `const aws2 = require('${AWS}');`,
      `const lazy = await import('${AWS}');`,
      `import '${AWS}';`,
      `export { provider } from '${['@cdktf', 'provider-google'].join('/')}';`,
    ].join('\n');
    expect(findRootImports(source, 'sample.ts').map(({ line, specifier }) => `${line}:${specifier}`)).toEqual([
      `2:${AWS}`,
      `3:${AWS}`,
      `4:${AWS}`,
      `5:${AWS}`,
      `6:${AWS}`,
      '7:@cdktf/provider-google',
    ]);
  });

  it('accepts submodule imports', () => {
    const source = [
      `import { S3Bucket } from '${AWS}/lib/s3-bucket';`,
      `const { KmsKey } = require("${AWS}/lib/kms-key");`,
      `import { AwsProvider } from '${AWS}/lib/provider';`,
    ].join('\n');
    expect(findRootImports(source, 'sample.ts')).toEqual([]);
  });

  it('scans the project sources, not installed or generated files', () => {
    const files = projectSourceFiles(join(__dirname, '..'));
    expect(files).toEqual(expect.arrayContaining(['main.ts', join('lib', 'app', 'build-app.ts'), join('__tests__', 'provider-imports.test.ts')]));
    expect(files.filter((file) => /(^|[/\\])(node_modules|cdktf\.out|dist)[/\\]/.test(file))).toEqual([]);
  });

  it('has no root import of a provider package anywhere in the project (use @cdktf/provider-aws/lib/<resource>)', () => {
    const found = rootImportsIn(join(__dirname, '..')).map(({ file, line, specifier }) => `${file}:${line} imports '${specifier}'; import from '${specifier}/lib/<resource>' instead`);
    expect(found).toEqual([]);
  });
});
