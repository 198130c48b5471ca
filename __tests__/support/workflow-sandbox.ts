import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

export const PROJECT_DIR = join(__dirname, '..', '..');
const YAML_MODULE = require.resolve('yaml');

/**
 * A throw-away world for running the workflow scripts: its own HOME, TMPDIR and bin directory of
 * stand-ins, and a PATH of only that bin plus /usr/bin:/bin (so no real terraform or vals is found).
 */
export class WorkflowSandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'workflow-'));
  readonly bin = join(this.root, 'bin');
  readonly home = join(this.root, 'home');
  readonly tmp = join(this.root, 'tmp');
  readonly outdir = join(this.root, 'cdktf.out');
  readonly cdktfLog = join(this.root, 'cdktf.log');

  constructor() {
    for (const dir of [this.bin, this.home, this.tmp]) mkdirSync(dir);
  }

  /** Only what the scripts need, nothing from the developer's shell (no AWS_*, no TF_VAR_*). */
  baseEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      PATH: `${this.bin}:/usr/bin:/bin`,
      HOME: this.home,
      TMPDIR: this.tmp,
      LANG: 'C.UTF-8',
      CDKTF: join(this.bin, 'cdktf'),
      FAKE_CDKTF_LOG: this.cdktfLog,
      ...extra,
    };
  }

  write(path: string, content: string, mode = 0o755): string {
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  }

  /** `terraform version -json` answering with `version`; `kind` names the binary (terraform or tofu). */
  installTerraform(version: string, name = 'terraform'): void {
    this.write(
      join(this.bin, name),
      `#!/usr/bin/env bash
if [ "$1 $2" = "version -json" ]; then printf '{"terraform_version":"%s","platform":"linux_amd64"}\\n' '${version}'; exit 0; fi
echo "stand-in ${name}: unexpected arguments: $*" >&2; exit 64
`,
    );
  }

  /**
   * A stand-in for vals that behaves like the real `vals exec` for flat maps: `-f FILE` (a YAML map of
   * NAME: value), `-i` to inherit the environment (without it the command gets only the map, as with
   * vals), `ref+...` values resolved from FAKE_VALS_SECRETS (JSON object ref -> value, kept out of the
   * child's environment), an unknown ref fails before the command runs, and a failing command makes
   * vals print "exit status N" and exit 1. `supportsInherit: false` imitates a vals release without -i.
   */
  installVals({ supportsInherit = true } = {}): void {
    this.write(
      join(this.bin, 'vals'),
      `#!/usr/bin/env node
const fs = require('fs');
const { spawnSync } = require('child_process');
const YAML = require(${JSON.stringify(YAML_MODULE)});
const fatal = (message) => { process.stderr.write(message + '\\n'); process.exit(1); };
const [command, ...rest] = process.argv.slice(2);
if (command !== 'exec') fatal('stand-in vals: only exec is implemented, got ' + command);
let file = '', inherit = false, i = 0;
for (; i < rest.length; i++) {
  if (rest[i] === '--') { i++; break; }
  if (rest[i] === '-i' && ${supportsInherit}) inherit = true;
  else if (rest[i] === '-s') continue;
  else if (rest[i] === '-f') file = rest[++i];
  else { process.stderr.write('flag provided but not defined: ' + rest[i] + '\\n'); process.exit(2); }
}
const args = rest.slice(i);
const template = file ? YAML.parse(fs.readFileSync(file, 'utf8')) || {} : {};
const secrets = JSON.parse(process.env.FAKE_VALS_SECRETS || '{}');
const resolved = {};
for (const [key, value] of Object.entries(template)) {
  if (typeof value !== 'string') fatal('unexpected type of value: ' + value);
  if (value.startsWith('ref+')) {
    if (!(value in secrets)) fatal('expand ' + value.slice(4) + ': secret not found');
    resolved[key] = secrets[value];
  } else resolved[key] = value;
}
if (args.length === 0) fatal('missing args');
const inherited = { ...process.env };
delete inherited.FAKE_VALS_SECRETS;
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env: inherit ? { ...inherited, ...resolved } : resolved });
if (result.error) fatal(result.error.message);
if (result.status !== 0) fatal('exit status ' + result.status);
`,
    );
  }

  /**
   * A stand-in for the cdktf CLI. \`synth --output DIR\` copies the stacks synthesized from the real app
   * (\`from\`) into DIR. \`diff|deploy|destroy STACK\` does what Terraform does with the variables: it
   * writes DIR/stacks/STACK/plan holding TF_VAR_app_api_token (a saved plan stores variable values),
   * prints the token's SHA-256 (proof it arrived, without printing it), then exits FAKE_CDKTF_EXIT.
   * FAKE_CDKTF_SIGNAL_PARENT=TERM makes it signal its parent process first (an interrupted workflow);
   * FAKE_CDKTF_AFTER is a shell snippet it runs after writing the plan (\$out and \$stack are set).
   */
  installCdktf(from: string): void {
    this.write(
      join(this.bin, 'cdktf'),
      `#!/usr/bin/env bash
set -euo pipefail
command=$1; shift
out=cdktf.out stack=''
while [ $# -gt 0 ]; do
  case $1 in
    --output) out=$2; shift 2 ;;
    -*) shift ;;
    *) stack=$1; shift ;;
  esac
done
echo "$command\${stack:+ $stack}" >> "$FAKE_CDKTF_LOG"
case $command in
  synth) mkdir -p "$out" && cp -R ${JSON.stringify(join(from, 'stacks'))} "$out/" ;;
  diff|deploy|destroy)
    printf 'saved plan with variables: app_api_token=%s\\n' "\${TF_VAR_app_api_token:-}" > "$out/stacks/$stack/plan"
    printf 'token-sha256=%s\\n' "$(printf '%s' "\${TF_VAR_app_api_token:-}" | sha256sum | cut -d' ' -f1)"
    if [ -n "\${FAKE_CDKTF_AFTER:-}" ]; then eval "$FAKE_CDKTF_AFTER"; fi
    if [ -n "\${FAKE_CDKTF_SIGNAL_PARENT:-}" ]; then kill -s "$FAKE_CDKTF_SIGNAL_PARENT" "$PPID"; fi
    exit "\${FAKE_CDKTF_EXIT:-0}" ;;
  *) echo "stand-in cdktf: unexpected command $command" >&2; exit 64 ;;
esac
`,
    );
  }

  cdktfCalls(): string[] {
    return existsSync(this.cdktfLog) ? readFileSync(this.cdktfLog, 'utf8').trim().split('\n').filter(Boolean) : [];
  }

  run(command: string, args: string[], env: Record<string, string>, cwd = PROJECT_DIR): SpawnSyncReturns<string> {
    // stdin from /dev/null: on a socket (Node's default pipes) bash would source bash.bashrc as if run by sshd.
    return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every regular file under `dir` whose content contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesContaining(path, needle));
    else if (entry.isFile() && statSync(path).size < 50_000_000 && readFileSync(path).includes(needle)) found.push(path);
  }
  return found;
}

/** A value that cannot occur by chance anywhere else. */
export function uniqueSecret(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/** Synthesizes the real app (main.ts, as `cdktf synth` runs it) into `outdir`, with `env` added. */
/**
 * The app synthesized once for the calling test file into a temporary directory (removed after the
 * file), for the workflow stand-ins to deploy from. Registers its own beforeAll/afterAll.
 */
export function synthesizedForFile(prefix: string): string {
  const outdir = mkdtempSync(join(tmpdir(), prefix));
  beforeAll(() => {
    expect(synthMain(outdir).status).toBe(0);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  return outdir;
}

export function synthMain(outdir: string, env: Record<string, string> = {}, timeoutMs?: number): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, typescriptNodeArgs('main.ts'), {
    cwd: PROJECT_DIR,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: '{}', ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}
