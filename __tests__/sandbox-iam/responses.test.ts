import type { ServerResponse } from 'node:http';
import { sendDenial } from '../../tooling/sandbox/iam/denial-response';
import type { MotoReader } from '../../tooling/sandbox/iam/moto-reader';
import { simulatePrincipalPolicy } from '../../tooling/sandbox/iam/simulate-principal-policy';

/** A ServerResponse stand-in that records what was sent. */
function recorder() {
  const sent: { status?: number; headers?: Record<string, unknown>; body?: string } = {};
  const response = {
    writeHead(status: number, headers: Record<string, unknown>) {
      sent.status = status;
      sent.headers = headers;
    },
    end(body: string) {
      sent.body = body;
    },
  } as unknown as ServerResponse;
  return { response, sent };
}

const denial = { principal: 'arn:aws:sts::333333333333:assumed-role/r/s', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', reason: 'because no identity-based policy allows the s3:GetObject action' };

describe('refusals in each service\'s own error shape', () => {
  it('S3: 403 XML AccessDenied, the resource quoted as S3 quotes it', () => {
    const { response, sent } = recorder();
    sendDenial(response, { ...denial, protocol: 's3-rest', service: 's3' });
    expect(sent.status).toBe(403);
    expect(sent.body).toContain('<Code>AccessDenied</Code><Message>User: arn:aws:sts::333333333333:assumed-role/r/s is not authorized to perform: s3:GetObject on resource: &quot;arn:aws:s3:::b/k&quot; because no identity-based policy allows the s3:GetObject action</Message>');
  });

  it('DynamoDB: 400 JSON with DynamoDB\'s AccessDeniedException type; KMS and SSM the plain one', () => {
    const dynamodb = recorder();
    sendDenial(dynamodb.response, { ...denial, action: 'dynamodb:PutItem', resource: 'arn:aws:dynamodb:eu-west-1:333333333333:table/t', protocol: 'json', service: 'dynamodb' });
    expect(dynamodb.sent.status).toBe(400);
    expect(JSON.parse(dynamodb.sent.body!)).toMatchObject({
      __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
      message: 'User: arn:aws:sts::333333333333:assumed-role/r/s is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:333333333333:table/t because no identity-based policy allows the s3:GetObject action',
    });
    const kms = recorder();
    sendDenial(kms.response, { ...denial, protocol: 'json', service: 'kms' });
    expect(JSON.parse(kms.sent.body!).__type).toBe('AccessDeniedException');
  });

  it('STS and IAM: 403 Query XML AccessDenied in the service\'s namespace', () => {
    const { response, sent } = recorder();
    sendDenial(response, { ...denial, action: 'sts:AssumeRole', resource: 'arn:aws:iam::333333333333:role/x', protocol: 'query', service: 'sts' });
    expect(sent.status).toBe(403);
    expect(sent.body).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>User: .* sts:AssumeRole on resource: arn:aws:iam::333333333333:role\/x /);
  });
});

describe('iam:SimulatePrincipalPolicy answered by the sandbox\'s evaluator', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:eu-west-1:333333333333:table/t', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['mine'] } } }],
  };
  const moto = { rolePolicies: async (account: string, name: string) => (account === '333333333333' && name === 'state' ? [{ name: 'p', policy }] : undefined) } as unknown as MotoReader;
  const params = (leadingKey: string) =>
    new URLSearchParams({
      Action: 'SimulatePrincipalPolicy',
      PolicySourceArn: 'arn:aws:iam::333333333333:role/state',
      'ActionNames.member.1': 'dynamodb:PutItem',
      'ResourceArns.member.1': 'arn:aws:dynamodb:eu-west-1:333333333333:table/t',
      'ContextEntries.member.1.ContextKeyName': 'dynamodb:LeadingKeys',
      'ContextEntries.member.1.ContextKeyValues.member.1': leadingKey,
      'ContextEntries.member.1.ContextKeyType': 'stringList',
    });

  it('evaluates the role\'s own policies with the context entries given', async () => {
    const allowed = await simulatePrincipalPolicy(params('mine'), moto);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('<EvalActionName>dynamodb:PutItem</EvalActionName><EvalResourceName>arn:aws:dynamodb:eu-west-1:333333333333:table/t</EvalResourceName><EvalDecision>allowed</EvalDecision>');
    expect((await simulatePrincipalPolicy(params('theirs'), moto)).body).toContain('<EvalDecision>implicitDeny</EvalDecision>');
  });

  it('a role it does not know is NoSuchEntity, as IAM says', async () => {
    const unknown = params('mine');
    unknown.set('PolicySourceArn', 'arn:aws:iam::333333333333:role/nobody');
    expect(await simulatePrincipalPolicy(unknown, moto)).toMatchObject({ status: 404, body: expect.stringContaining('<Code>NoSuchEntity</Code>') });
  });
});
