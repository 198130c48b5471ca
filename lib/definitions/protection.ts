import type { ProtectionLevel } from './environment';

/** What a protection level turns on for the resources of an environment. */
export interface ProtectionProfile {
  readonly versioning: boolean;
  readonly forceDestroy: boolean;
  readonly preventDestroy: boolean;
  readonly tlsOnly: boolean;
  readonly encryption: 'sse-s3' | 'sse-kms';
  readonly noncurrentVersionExpirationDays?: number;
}

export const PROTECTION_PROFILES: { readonly [L in ProtectionLevel]: ProtectionProfile } = {
  // Throw-away: `destroy` must always succeed, and nothing is worth paying to keep.
  ephemeral: { versioning: false, forceDestroy: true, preventDestroy: false, tlsOnly: false, encryption: 'sse-s3' },
  // Shared by a team: mistakes must be recoverable, but tearing down stays possible.
  standard: {
    versioning: true,
    forceDestroy: false,
    preventDestroy: false,
    tlsOnly: true,
    encryption: 'sse-s3',
    noncurrentVersionExpirationDays: 30,
  },
  // Production: nothing is destroyed by a plan, and data keys are ours to audit and revoke.
  hardened: {
    versioning: true,
    forceDestroy: false,
    preventDestroy: true,
    tlsOnly: true,
    encryption: 'sse-kms',
    noncurrentVersionExpirationDays: 90,
  },
};
