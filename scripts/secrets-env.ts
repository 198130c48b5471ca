/**
 * Used by workflows/lib/with-secrets.sh: `secrets-env.ts FILE` prints FILE's TF_VAR_ pairs
 * NUL-separated (KEY=VALUE\0) for bash to read, or every problem on stderr and exit code 1. Nothing
 * is printed on failure that could hold a value.
 */
import { parseSecretsEnv, SECRETS_FILE_LIMIT } from '../lib/secrets/secrets-env-file';
import { readRegularFile } from '../lib/settings/read-regular-file';

const path = process.argv[2];
/** The path as the user gave it, for messages. */
const file = process.env.SECRETS_FILE_LABEL || path;
const read = readRegularFile(path, SECRETS_FILE_LIMIT);
if ('problem' in read) {
  process.stderr.write(`with-secrets: FAILED: ${file} ${read.problem}\n`);
  process.exit(1);
}
const { values, problems } = parseSecretsEnv(file, read.text);
if (problems.length > 0) {
  process.stderr.write(`with-secrets: FAILED: ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was run:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
  process.exit(1);
}
for (const [key, value] of values) {
  if (value.includes('\0')) {
    process.stderr.write(`with-secrets: FAILED: ${file}: the value of ${key} contains a NUL byte\n`);
    process.exit(1);
  }
  process.stdout.write(`${key}=${value}\0`);
}
