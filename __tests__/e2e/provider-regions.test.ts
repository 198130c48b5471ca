import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { providerBinaryPath, regionsInProviderBinary, renderRegionsModule } from '../../lib/validation/provider-regions-source';

/**
 * lib/validation/provider-regions.ts is generated from the provider binary (tooling/bin/provider-regions.ts);
 * it must match the binary the suite runs Terraform with. Here, not in the unit suite: it reads the
 * 700 MB binary from the provider mirror.
 */
describe('regions the pinned AWS provider knows', () => {
  it('lib/validation/provider-regions.ts matches the provider binary', () => {
    const binary = providerBinaryPath(process.env);
    if (!binary) throw new Error('no terraform-provider-aws 5.100.0 binary: set TF_PROVIDER_MIRROR to the mirror root (see /work/shared/terraform-offline.md)');
    const regions = regionsInProviderBinary(readFileSync(binary));
    // Sanity: the commercial, China and GovCloud partitions are all there.
    expect(regions).toEqual(expect.arrayContaining(['eu-west-1', 'us-east-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-5']));
    expect(readFileSync(join(__dirname, '..', '..', 'lib', 'validation', 'provider-regions.ts'), 'utf8')).toBe(renderRegionsModule(regions, binary));
  });
});
