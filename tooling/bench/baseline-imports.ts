import { readFileSync } from 'node:fs';

/** The prebuilt AWS provider package; only the bench's baseline copy imports its root. */
const PACKAGE = '@cdktf/provider-aws';
/** `import { A, B as C } from '@cdktf/provider-aws/lib/<module>';` (one or several lines). */
const SUBMODULE_IMPORT = /import\s*\{([^}]*)\}\s*from\s*(['"])@cdktf\/provider-aws\/lib\/([a-z0-9-]+)\2;?/g;

/** Submodule path -> the namespace the package root exports it as (`s3-bucket` -> `s3Bucket`), from the package's own index. */
function rootNamespaces(): Map<string, string> {
  const index = readFileSync(require.resolve(`${PACKAGE}/lib/index.d.ts`), 'utf8');
  return new Map([...index.matchAll(/export \* as (\w+) from '\.\/([a-z0-9-]+)'/g)].map(([, namespace, path]) => [path, namespace]));
}

/**
 * Rewrites submodule imports into the stock cdktf template's style, root imports of the package's
 * namespaces (`import { s3Bucket } from '<package>'`), aliasing each class so the code using it is
 * unchanged: `import S3Bucket = s3Bucket.S3Bucket;` works for values and types alike.
 */
export function rewriteToRootImports(source: string, namespaces: ReadonlyMap<string, string> = rootNamespaces()): string {
  return source.replace(SUBMODULE_IMPORT, (_statement, names: string, _quote: string, path: string) => {
    const namespace = namespaces.get(path);
    if (!namespace) throw new Error(`${PACKAGE} exports no namespace for lib/${path}`);
    const aliases = names
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => {
        const [exported, local = exported] = name.split(/\s+as\s+/);
        return `import ${local} = ${namespace}.${exported};`;
      });
    return [`import { ${namespace} } from '${PACKAGE}';`, ...aliases].join('\n');
  });
}
