// Links between the README, ARCHITECTURE.md and docs/ point at files and headings that exist, so the
// docs stay whole when a page or a heading is renamed. External links are not fetched.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/fleet.ts';

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? docs(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
  return [join(REPO, 'README.md'), join(REPO, 'ARCHITECTURE.md'), ...docs(join(REPO, 'docs'))];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, heading]) => slug(heading)));
}

describe('links in the README, ARCHITECTURE.md and docs/', () => {
  it('computes anchors as GitHub does', () => {
    expect(slug('What each bundle serves (group `gateway.networking.k8s.io`)')).toBe('what-each-bundle-serves-group-gatewaynetworkingk8sio');
    expect(slug('CI with `meshfleet synth --check`')).toBe('ci-with-meshfleet-synth---check');
  });

  it('point at files and headings that exist', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of markdownFiles()) {
      const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        checked++;
        const [path, anchor] = target.split('#');
        const linked = path ? join(dirname(file), path) : file;
        const where = `${relative(REPO, file)}: ${target}`;
        if (!existsSync(linked)) broken.push(`${where} (no such file)`);
        else if (anchor && linked.endsWith('.md') && !anchors(linked).has(anchor)) broken.push(`${where} (no such heading)`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(broken).toStrictEqual([]);
  });
});
