/**
 * `... 2>&1 | node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/withhold-state.ts DIR`: passes a command's output on,
 * except a state Terraform prints because it could not write it (secret values and all), which goes
 * to a 0600 file in DIR (else a private directory made in FALLBACK_DIR) with a line saying where (tooling/toolkit/state-dump-filter.ts). The
 * workflows (workflows/lib/with-secrets.sh) pipe cdktf through it so that CI logs never hold a state.
 */
import { saveWithheldState, StateDumpFilter } from '../toolkit/state-dump-filter';

const dirs = process.argv.slice(2);
if (dirs.length === 0 || dirs.length > 2) {
  process.stderr.write('usage: COMMAND 2>&1 | node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/withhold-state.ts DIR [FALLBACK_DIR]   (where a withheld state is saved)\n');
  process.exit(2);
}
// Ctrl-C reaches the whole pipeline: this end keeps reading until the command has stopped and said
// so (Terraform writes its state and releases its lock after an interrupt), then ends with the input.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
const filter = new StateDumpFilter(saveWithheldState(dirs));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => process.stdout.write(filter.write(chunk)));
process.stdin.on('end', () => process.stdout.write(filter.end()));
