import { resolve } from 'node:path';

/** The project root (where package.json is), from this file's place in tooling/toolkit/. */
export const PROJECT_DIR = resolve(__dirname, '..', '..');
