import { UserError } from '../../lib/definitions/errors';

/** A problem with bootstrap, drift or a sandbox stack the user can fix (the message says how). */
export class BootstrapError extends UserError {}
