/**
 * The lock info Terraform and OpenTofu write (`statemgr.LockInfo`): in the `.tflock` object, or as the
 * DynamoDB lock item's `Info`. Read by the doctor and by `npm run state`.
 */
export interface LockInfo {
  readonly ID?: string;
  readonly Operation?: string;
  readonly Who?: string;
  readonly Version?: string;
  readonly Created?: string;
  readonly Path?: string;
}
