import { parseSecretsEnv } from '../tooling/secrets/secrets-env-file';

describe('secrets.env: the forms that are accepted', () => {
  it('reads TF_VAR_ lines in the dotenv subset: export, quotes, comments, CRLF, a byte order mark', () => {
    const text = '\uFEFF# comment\r\nTF_VAR_a=plain # trailing comment\r\nexport TF_VAR_b="two words # not a comment"\nTF_VAR_c=\'single\'\nTF_VAR_d=a#b\nTF_VAR_e="line\\nbreak"\n\nTF_VAR_f=\n';
    const { values, problems } = parseSecretsEnv('s.env', text);
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({ TF_VAR_a: 'plain', TF_VAR_b: 'two words # not a comment', TF_VAR_c: 'single', TF_VAR_d: 'a#b', TF_VAR_e: 'line\nbreak', TF_VAR_f: '' });
  });

  it('lists every problem at once, by line', () => {
    expect(parseSecretsEnv('s.env', 'PATH=/tmp\nnot a line\nTF_VAR_x="open\n').problems.map((p) => p.split(':')[0])).toEqual(['s.env line 1', 's.env line 2', 's.env line 3']);
  });
});
