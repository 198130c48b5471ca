import { credentialsInStsAnswer, motoRoot, PrincipalRegistry, roleSession } from '../../tooling/sandbox/iam/principal-registry';

describe('the principal registry (access key -> who is calling)', () => {
  const sessions = jest.fn(async () => [{ access_key_id: 'ASIAOLD', account_id: '222222222222', role_arn: 'arn:aws:iam::222222222222:role/ci/acme-staging-ci-deploy', session_name: 'github-actions' }]);

  it('learns role sessions from the STS answers the shim proxies, with the role (path included) as aws:PrincipalArn', async () => {
    const registry = new PrincipalRegistry(sessions);
    registry.learn('ASIANEW', 'arn:aws:iam::333333333333:role/acme-staging-tfstate', 'backend');
    expect(await registry.principalOf('ASIANEW')).toEqual({
      kind: 'role-session',
      account: '333333333333',
      roleName: 'acme-staging-tfstate',
      roleArn: 'arn:aws:iam::333333333333:role/acme-staging-tfstate',
      arn: 'arn:aws:sts::333333333333:assumed-role/acme-staging-tfstate/backend',
    });
    expect(sessions).not.toHaveBeenCalled();
  });

  it('asks moto once about keys it issued before the shim saw them; any other key is moto\'s root', async () => {
    const registry = new PrincipalRegistry(sessions);
    expect(await registry.principalOf('ASIAOLD')).toEqual(roleSession('arn:aws:iam::222222222222:role/ci/acme-staging-ci-deploy', 'github-actions'));
    expect(await registry.principalOf('ASIAOLD')).toMatchObject({ arn: 'arn:aws:sts::222222222222:assumed-role/acme-staging-ci-deploy/github-actions' });
    expect(sessions).toHaveBeenCalledTimes(1);
    expect(await registry.principalOf('sandbox')).toEqual(motoRoot());
    expect(motoRoot('123456789012')).toEqual({ kind: 'root', account: '123456789012', arn: 'arn:aws:iam::123456789012:root' });
    expect(await registry.principalOf(undefined)).toEqual({ kind: 'anonymous' });
  });

  it('reads the credentials out of an AssumeRole answer', () => {
    const xml = `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s</SecretAccessKey></Credentials>
      <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::333333333333:assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`;
    expect(credentialsInStsAnswer(xml)).toEqual({ accessKeyId: 'ASIAX', sessionArn: 'arn:aws:sts::333333333333:assumed-role/r/s' });
    expect(credentialsInStsAnswer('<Error/>')).toBeUndefined();
  });
});
