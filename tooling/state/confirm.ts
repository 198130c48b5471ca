import { createInterface } from 'node:readline/promises';
import { BootstrapError } from '../toolkit/errors';

/**
 * Asks before a change: `--yes` answers for CI; without a terminal and without `--yes` nothing is
 * changed, and the message says how to confirm.
 */
export async function confirm(question: string, options: { yes: boolean; rerun: string; input?: NodeJS.ReadableStream & { isTTY?: boolean } }): Promise<boolean> {
  if (options.yes) return true;
  const input = options.input ?? process.stdin;
  if (!input.isTTY) throw new BootstrapError(`no terminal to confirm on, so nothing was changed: review what is shown above, then re-run with --yes (${options.rerun} --yes)`);
  const prompt = createInterface({ input, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} Type "yes" to go on: `);
    return answer.trim() === 'yes';
  } finally {
    prompt.close();
  }
}
