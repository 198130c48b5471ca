/**
 * Used by workflows/lib/with-secrets.sh: `secrets-env.ts FILE` prints FILE's TF_VAR_ pairs
 * NUL-separated (KEY=VALUE\0) for bash to read, or every problem on stderr and exit code 1. Nothing
 * is printed on failure that could hold a value. SECRETS_FILE_LABEL is the path as the user gave it.
 */
import { loadSecretsEnv } from '../secrets/secrets-env-file';

const path = process.argv[2];
const loaded = loadSecretsEnv(path, process.env.SECRETS_FILE_LABEL || path);
if ('message' in loaded) {
  process.stderr.write(`${loaded.message}\n`);
  process.exit(1);
}
for (const [key, value] of loaded.values) process.stdout.write(`${key}=${value}\0`);
