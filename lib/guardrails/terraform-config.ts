import { DefaultTokenResolver, StringConcat, TerraformBackend, TerraformProvider, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens the way synth does (cdktf's own `resolve` helper is internal). */
function resolved<T>(scope: IConstruct, value: unknown): T {
  return Tokenization.resolve(value, { scope, preparing: false, resolver: RESOLVER }) as T;
}

/** JSON object as it appears in the synthesized configuration. */
export type JsonObject = { readonly [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The arguments of a resource exactly as they will be synthesized: tokens resolved to Terraform
 * expressions (`${aws_s3_bucket.x.id}`, `${var.password}`), snake_case keys.
 */
export function resourceConfig(resource: TerraformResource): JsonObject {
  const json = resolved<{ resource: Record<string, Record<string, JsonObject>> }>(resource, resource.toTerraform());
  return Object.values(json.resource[resource.terraformResourceType])[0];
}

/** `<type>.<name>`: how other resources refer to this one. */
export function resourceAddress(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** The stack's backend as `{ <kind>: <arguments> }` (`cloud` for HCP Terraform); `local` when none is set. */
export function backendConfig(stack: TerraformStack): { kind: string; config: JsonObject } {
  const backend = stack.node.findAll().find(TerraformBackend.isBackend);
  if (!backend) return { kind: 'local', config: {} }; // cdktf adds an implicit local backend at synth
  const json = resolved<{ terraform: { backend?: Record<string, JsonObject>; cloud?: JsonObject } }>(stack, backend.toTerraform());
  if (json.terraform.cloud) return { kind: 'cloud', config: json.terraform.cloud };
  const [kind, config] = Object.entries(json.terraform.backend ?? {})[0];
  return { kind, config };
}

/** Arguments of any element that can carry credentials: resources, providers and backends. */
export function argumentsOf(construct: IConstruct): JsonObject | undefined {
  if (TerraformResource.isTerraformResource(construct)) return resourceConfig(construct);
  if (construct instanceof TerraformProvider) {
    const json = resolved<{ provider: Record<string, JsonObject[]> }>(construct, construct.toTerraform());
    return Object.values(json.provider)[0]?.[0];
  }
  if (TerraformBackend.isBackend(construct)) {
    const stack = TerraformStack.of(construct);
    return backendConfig(stack).config;
  }
  return undefined;
}
