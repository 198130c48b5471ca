import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { terraformBinary } from '../../tooling/toolkit/terraform-binary';
import { parseDocument } from 'yaml';

const root = join(__dirname, '..', '..');

function markdownUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownUnder(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

const documents = [join(root, 'README.md'), ...markdownUnder(join(root, 'docs')), ...markdownUnder(join(root, 'examples'))];

/** Text outside fenced code blocks (links inside code are examples, not links). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
function anchorsOf(file: string): Set<string> {
  const headings = prose(readFileSync(file, 'utf8')).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

/** Every relative link of a document that does not resolve. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const [, target] of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split('#');
    const resolved = path === '' ? file : resolve(dirname(file), path);
    if (!existsSync(resolved)) broken.push(`${target} (no such file)`);
    else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${target} (no such heading)`);
  }
  return broken;
}

describe('documentation links', () => {
  it('finds the documents', () => {
    expect(documents.map((d) => relative(root, d))).toEqual(
      expect.arrayContaining(['README.md', 'docs/README.md', 'docs/backend-configuration.md', 'examples/backend-configs/README.md']),
    );
  });

  it.each(documents.map((d) => [relative(root, d), d]))('%s: every relative link resolves', (_name, file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('detects a broken file link and a broken heading link, and ignores code and URLs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'links-'));
    try {
      const sample = join(dir, 'sample.md');
      writeFileSync(join(dir, 'other.md'), '# Real heading\n');
      writeFileSync(
        sample,
        '[ok](other.md#real-heading) [gone](missing.md) [bad anchor](other.md#nope) [web](https://example.com/x)\n' +
          '```sh\n[in code](nowhere.md)\n```\n',
      );
      expect(brokenLinks(sample)).toEqual(['missing.md (no such file)', 'other.md#nope (no such heading)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Fenced blocks of one language in a document. */
function codeBlocks(file: string, language: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
}

function hclParses(source: string): { ok: boolean; error: string } {
  const binary = terraformBinary(process.env);
  const result = spawnSync(binary, ['fmt', '-'], { input: source, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (result.error) throw new Error(`"${binary} fmt" could not run (${result.error.message}): install Terraform or set TERRAFORM_BINARY_NAME`);
  return { ok: result.status === 0, error: result.stderr };
}

describe('backend configs in the docs parse', () => {
  const docs = markdownUnder(join(root, 'docs'));
  const hcl = docs.flatMap((file) => codeBlocks(file, 'hcl').map((block) => [relative(root, file), block] as const));
  const yaml = docs.flatMap((file) => codeBlocks(file, 'yaml').map((block) => [relative(root, file), block] as const));

  it('has HCL and YAML backend examples to check', () => {
    expect(hcl.length).toBeGreaterThanOrEqual(4);
    expect(yaml.length).toBeGreaterThanOrEqual(1);
  });

  it.each(hcl)('%s: HCL block parses', (_file, block) => {
    expect(hclParses(block)).toMatchObject({ ok: true });
  });

  it.each(yaml)('%s: YAML block parses', (_file, block) => {
    expect(parseDocument(block).errors.map((e) => e.message)).toEqual([]);
  });

  it('the HCL check rejects broken HCL', () => {
    expect(hclParses('bucket = "unterminated\n').ok).toBe(false);
  });
});
