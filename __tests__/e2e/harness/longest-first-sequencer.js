/**
 * The e2e files on the suite's critical path start first, longest first: with three workers on two
 * cores, a long file that starts last decides the whole run (full-lifecycle waited 100 s for a free
 * worker when jest ordered by its cache). The rest keep jest's own order. Listed by name; a unit test
 * (e2e-harness-scenario.test.ts) checks each still exists.
 */
const { basename } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = ['full-lifecycle', 'state-recovery', 'cross-account', 'readme-try-it', 'bootstrap-signals', 'sandbox-state-backend', 'sandbox-lifecycle', 'validate-stacks'];

class LongestFirstSequencer extends Sequencer {
  async sort(tests) {
    const rank = (test) => {
      const index = LONGEST_FIRST.indexOf(basename(test.path, '.test.ts'));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: jest's order stays among the unlisted files.
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
module.exports.LONGEST_FIRST = LONGEST_FIRST;
