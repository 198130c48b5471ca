/**
 * setupFilesAfterEnv of every jest config: stack traces captured on plain objects are formatted as
 * V8 formats them by default, not source-mapped by jest.
 *
 * cdktf records where each token was created (`Error.captureStackTrace({ stack: '' })` with an
 * unlimited depth, node_modules/cdktf/lib/tokens/private/stack-trace.js) and reads it at once, so
 * under jest every token paid for source-map-support mapping each frame through cdktf's and the
 * provider's inline source maps: about a quarter of the unit suite's CPU (docs/performance.md, #27's
 * eighth round). Those stacks are cdktf's error metadata only; the synthesized JSON is the same.
 * Real errors (`instanceof Error`: assertions, thrown errors) still get TypeScript line numbers.
 */
const mapped = Error.prepareStackTrace;

if (typeof mapped === 'function') {
  Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) =>
    error instanceof Error ? mapped(error, frames) : `${String(error)}${frames.map((frame) => `\n    at ${String(frame)}`).join('')}`;
}
