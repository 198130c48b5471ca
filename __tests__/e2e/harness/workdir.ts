import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh directory holding `cdk.tf.json`; removed by `removeWorkdirs`. */
export function makeWorkdir(label: string, stackJson: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), `e2e-${label}-`));
  created.push(dir);
  writeStack(dir, stackJson);
  return dir;
}

/** Replaces the configuration in `dir` (e.g. the next step of a backend migration). */
export function writeStack(dir: string, stackJson: unknown): void {
  writeFileSync(join(dir, 'cdk.tf.json'), `${JSON.stringify(stackJson, null, 2)}\n`);
}

export function removeWorkdirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
