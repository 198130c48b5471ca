import { TerraformResource } from 'cdktf';
import { argumentsOf, isJsonObject, resourceConfig } from '../terraform-config';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type GuardrailRule } from '../rule';

/** Words that make an argument name secret-looking (`master_password`, `auth_token`, `api_key`, ...). */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token']);
const SECRET_PAIRS = new Set(['api_key', 'apikey', 'private_key', 'access_key']);
/** Last words that make it a reference to a secret, not the secret (`secret_arn`, `password_length`). */
const NOT_A_VALUE = new Set(['arn', 'arns', 'id', 'ids', 'name', 'names', 'type', 'prefix', 'version', 'stage', 'length', 'ttl', 'policy', 'path', 'enabled', 'mode']);

export function isSecretLookingName(name: string): boolean {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (words.length === 0 || NOT_A_VALUE.has(words[words.length - 1])) return false;
  if (words.some((word) => SECRET_WORDS.has(word) || SECRET_PAIRS.has(word))) return true;
  return words.some((word, index) => SECRET_PAIRS.has(`${word}_${words[index + 1]}`));
}

/** A literal string: no Terraform expression (`${var.x}`, `${random_password.p.result}`) in it. */
function isLiteral(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !value.includes('${');
}

/** Paths of secret-looking arguments holding literal strings, at any depth. */
function plaintextSecretPaths(value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => plaintextSecretPaths(item, [...path, `${index}`]));
  if (!isJsonObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    if (key === '//') return []; // cdktf metadata
    if (isSecretLookingName(key) && isLiteral(child)) return [[...path, key].join('.')];
    return plaintextSecretPaths(child, [...path, key]);
  });
}

/**
 * Secrets in resource, provider or backend arguments end up in the synthesized JSON, in git and in
 * every plan. Pass them as sensitive variables or read them from a secret store instead.
 */
export const noPlaintextSecrets: GuardrailRule = {
  id: 'no-plaintext-secrets',
  description: 'No plaintext secret-looking values in resource, provider or backend arguments',
  fix: 'pass the value through a sensitive TerraformVariable (TF_VAR_<name>) or read it from SSM Parameter Store / Secrets Manager',
  check(construct) {
    const args = argumentsOf(construct);
    if (!args) return NOT_APPLICABLE;
    const paths = plaintextSecretPaths(args);
    // A SecureString parameter's `value` is a secret whatever its name says.
    if (TerraformResource.isTerraformResource(construct) && construct.terraformResourceType === 'aws_ssm_parameter') {
      const config = resourceConfig(construct);
      if (config.type === 'SecureString' && isLiteral(config.value)) paths.push('value');
    }
    return paths.length === 0 ? COMPLIANT : nonCompliant(`literal secret-looking value in ${paths.map((p) => `"${p}"`).join(', ')}`);
  },
};
