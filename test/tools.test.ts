import { describe, expect, it } from 'vitest';
import { ToolError, helmBin, kubectlBin, runHelm, runKubectl } from './support/tools.ts';

describe('bundled tools', () => {
  it('resolves absolute paths inside .tools', () => {
    expect(helmBin()).toMatch(/\/\.tools\/helm$/);
    expect(kubectlBin()).toMatch(/\/\.tools\/kubectl$/);
  });

  it('runs helm', () => {
    expect(runHelm(['version', '--short'])).toMatch(/^v\d+\.\d+\.\d+/);
  });

  it('runs kubectl with kustomize built in', () => {
    const version = runKubectl(['version', '--client']);
    expect(version).toMatch(/Client Version: v1\.\d+/);
    expect(version).toMatch(/Kustomize Version: v\d+/);
  });

  it('throws with stderr when a tool fails', () => {
    expect(() => runHelm(['no-such-command'])).toThrow(ToolError);
    expect(() => runHelm(['no-such-command'])).toThrow(/unknown command/);
  });
});
