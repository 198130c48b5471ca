import { readFileSync } from 'node:fs';

/**
 * `cdktf synth -c key=value` / `--context`: cdktf-cli 0.21 has no such option and silently ignores it
 * (measured: `npx cdktf synth -c project=x` synthesizes the default project). The app cannot see the
 * CLI's arguments, except on Linux through /proc: this looks at the few processes above the app
 * (cdktf runs it through a shell) and names the flag, so it is refused instead of ignored. Elsewhere
 * it finds nothing, and the documentation is what warns.
 */
export function ignoredContextFlags(pid = process.pid, maxDepth = 5): string[] {
  const found: string[] = [];
  let current = pid;
  for (let depth = 0; depth < maxDepth && current > 1; depth++) {
    let stat: string;
    let args: string[];
    try {
      stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      args = readFileSync(`/proc/${current}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return found; // not Linux, or the process is gone
    }
    const cli = args.findIndex((arg) => /(^|\/)cdktf(\.js)?$/.test(arg) || /cdktf-cli\/bundle\/bin\/cdktf/.test(arg));
    if (cli >= 0) {
      const flags = args.slice(cli + 1).filter((arg) => arg === '-c' || arg === '--context' || arg.startsWith('--context=') || /^-c./.test(arg));
      return flags;
    }
    // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may contain spaces.
    current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return found;
}
