/** A problem the user can fix; the CLI prints the message (which says what to do) without a stack trace. */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}
