// Loaded with `node --require` by __tests__/integration/evaluator-confinement.test.ts: when the process
// exits, writes every module it loaded (require.cache) to $LOADED_MODULES_FILE, one path a line.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  writeFileSync(process.env.LOADED_MODULES_FILE, `${Object.keys(require.cache).join('\n')}\n`);
});
