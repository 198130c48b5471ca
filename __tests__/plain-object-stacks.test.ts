import { Lazy, Tokenization } from 'cdktf';

/**
 * __tests__/support/plain-object-stacks.ts (setupFilesAfterEnv of every jest config): stacks captured
 * on plain objects, as cdktf captures each token's creation stack, are formatted as V8 formats them
 * by default, without jest's source maps; real errors are still mapped to TypeScript lines. swc's
 * output of this file spreads the array and object literals below over more lines, so from here on a
 * frame names the TypeScript line only when it was mapped.
 */
const CONFIGS = ['../jest.config.js', '../jest.integration.config.js', '../jest.e2e.config.js'];
const SETUP_FILE = '<rootDir>/__tests__/support/plain-object-stacks.ts';
const LINES = { capture: 13, error: 14 };
const capturedStack = () => { const capture = { stack: '' }; Error.captureStackTrace(capture); return capture.stack; };
const madeError = () => new Error('made here');

it.each(CONFIGS)('%s runs the setup file', (config) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require(config).setupFilesAfterEnv).toContain(SETUP_FILE);
});

it('formats a plain object capture as V8 does, unmapped: its header, then "at" frames', () => {
  const lines = capturedStack().split('\n');
  expect(lines[0]).toBe('[object Object]');
  expect(lines[1]).toMatch(/^ {4}at capturedStack \(.*plain-object-stacks\.test\.ts:\d+:\d+\)$/);
  expect(lines[1]).not.toContain(`plain-object-stacks.test.ts:${LINES.capture}:`);
});

it('still maps a real error to the TypeScript line it was created on', () => {
  expect(madeError().stack!.split('\n')[1]).toMatch(new RegExp(`^ {4}at madeError \\(.*plain-object-stacks\\.test\\.ts:${LINES.error}:\\d+\\)$`));
});

it("keeps cdktf's token creation stacks: their frames still name where the token was made", () => {
  const token = Lazy.stringValue({ produce: () => 'value' });
  const creationStack = Tokenization.reverseString(token).tokens[0].creationStack;
  expect(creationStack.some((frame) => frame.includes('plain-object-stacks.test.ts:'))).toBe(true);
});
