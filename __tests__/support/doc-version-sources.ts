/**
 * Finds lines of a Markdown document that state a Terraform or OpenTofu version without citing that
 * tool's primary source (its changelog, pull requests or issues, or its documentation) on the same
 * line; a table row is one line. A version counts as the tool's when the line names the tool
 * ("Terraform", "OpenTofu"), or as both tools' when it is a bare constraint (`>= 1.10.0`).
 */

export type Tool = 'Terraform' | 'OpenTofu';

export interface MissingSource {
  readonly line: number;
  readonly tool: Tool;
  readonly versions: readonly string[];
  readonly problem: string;
}

const TOOL = /\b(Terraform|OpenTofu)\b/g;

/**
 * A Terraform/OpenTofu release number: 1.x or 0.11-0.15, with an optional patch. Not part of a longer
 * number (5.100.0, 20.12.0), and not a measurement (1.4 s, 1.2 GB).
 */
const VERSION = /(?<![\w.])v?((?:1\.\d{1,2}|0\.1[1-5])(?:\.\d+)?)(?![\w.]*\d)(?!\s?(?:s|ms|min|GB|MB|KB|kB|%|x|×)\b)/g;

/** Primary sources per tool. Versioned changelogs are `blob/vX.Y/CHANGELOG.md`. */
const SOURCES: Record<Tool, RegExp> = {
  Terraform:
    /^https:\/\/(?:github\.com\/hashicorp\/terraform\/(?:blob\/[^/\s]+\/CHANGELOG\.md|pull\/\d+|issues\/\d+|releases\/tag\/v[\d.]+)|developer\.hashicorp\.com\/terraform\/)/,
  OpenTofu:
    /^https:\/\/(?:github\.com\/opentofu\/opentofu\/(?:blob\/[^/\s]+\/CHANGELOG\.md|pull\/\d+|issues\/\d+|releases\/tag\/v[\d.]+)|opentofu\.org\/docs\/)/,
};
const VERSIONED_CHANGELOG = /\/blob\/v(\d+\.\d+)\/CHANGELOG\.md/;

/** The version of the binary these docs were measured with may be named as such. */
const MEASURED = { version: '1.11.4', marker: /measur/i };

/** Fenced code blocks become empty lines (their content is output and examples, not claims). */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

interface Mention {
  readonly tool: Tool;
  readonly start: number;
  readonly end: number;
}

/**
 * The tools a version at `index` belongs to: the nearest mention before it, together with mentions
 * joined to that one ("Terraform/OpenTofu", "Terraform and OpenTofu"); with none before it, the first after.
 */
function toolsOf(mentions: readonly Mention[], index: number, line: string): Tool[] {
  const before = mentions.filter((m) => m.end <= index);
  if (before.length === 0) {
    const after = mentions.find((m) => m.start >= index);
    return after ? [after.tool] : [];
  }
  const tools = [before[before.length - 1]];
  for (let i = before.length - 2; i >= 0; i--) {
    const joiner = line.slice(before[i].end, tools[tools.length - 1].start).replace(/\*\*/g, '').trim();
    if (!['/', ',', 'and', 'or'].includes(joiner)) break;
    tools.push(before[i]);
  }
  return [...new Set(tools.map((m) => m.tool))];
}

export function missingVersionSources(markdown: string): MissingSource[] {
  const findings: MissingSource[] = [];
  proseLines(markdown).forEach((raw, i) => {
    // Link targets are sources, not claims: "v1.10" in a changelog URL states nothing.
    const line = raw.replace(/\]\([^)\s]*\)/g, ']()');
    const mentions: Mention[] = [...line.matchAll(TOOL)].map((m) => ({ tool: m[1] as Tool, start: m.index!, end: m.index! + m[0].length }));
    const stated = new Map<Tool, string[]>();
    for (const match of line.matchAll(VERSION)) {
      const version = match[1];
      if (version === MEASURED.version && MEASURED.marker.test(line)) continue;
      // A bare constraint (`>= 1.10.0`, a required_version) is checked by both tools against their own version.
      const constraint = /(?:>=|≥)\s*["'`]?\s*$/.test(line.slice(0, match.index));
      const tools = mentions.length === 0 && constraint ? (['Terraform', 'OpenTofu'] as Tool[]) : toolsOf(mentions, match.index!, line);
      for (const tool of tools) stated.set(tool, [...(stated.get(tool) ?? []), version]);
    }
    const links = [...raw.matchAll(/\]\((https:\/\/[^)\s]+)\)/g)].map((m) => m[1]);
    for (const [tool, versions] of stated) {
      const sources = links.filter((url) => SOURCES[tool].test(url));
      const report = (problem: string) => findings.push({ line: i + 1, tool, versions, problem });
      if (sources.length === 0) {
        report(`states ${tool} ${versions.join(', ')} without a link to ${tool}'s changelog, pull request, issue or docs on the same line`);
        continue;
      }
      // A versioned changelog must be the changelog of a series the line talks about.
      const series = new Set(versions.map((v) => v.split('.').slice(0, 2).join('.')));
      const changelogSeries = sources.map((url) => VERSIONED_CHANGELOG.exec(url)?.[1]);
      if (changelogSeries.every((s) => s !== undefined) && !changelogSeries.some((s) => series.has(s!))) {
        report(`states ${tool} ${versions.join(', ')} but links only the changelog of ${changelogSeries.join(', ')}`);
      }
    }
  });
  return findings;
}
