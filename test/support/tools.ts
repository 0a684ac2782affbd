// Real helm and kubectl for tests, extracted by scripts/setup-tools.mjs into <repo>/.tools/.
import { execFile, execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const toolsDir = fileURLToPath(new URL('../../.tools/', import.meta.url));

function toolPath(name: 'helm' | 'kubectl'): string {
  const path = `${toolsDir}${name}`;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`node scripts/setup-tools.mjs\` (npm test does it for you)`);
  }
  return path;
}

export function helmBin(): string {
  return toolPath('helm');
}

export function kubectlBin(): string {
  return toolPath('kubectl');
}

export interface RunToolOptions {
  readonly cwd?: string;
  /** Extra environment variables, merged over the isolated defaults below. */
  readonly env?: Readonly<Record<string, string>>;
  /** Text written to the tool's stdin (e.g. a manifest for `kubectl apply -f -`). */
  readonly input?: string;
  /** Milliseconds; default 60 s so a hung tool fails the test instead of the whole run. */
  readonly timeoutMs?: number;
}

export class ToolError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

function runTool(bin: string, args: readonly string[], opts: RunToolOptions = {}): string {
  const execOptions: ExecFileSyncOptions = {
    cwd: opts.cwd,
    env: { ...isolatedEnv(), ...opts.env },
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  };
  try {
    return execFileSync(bin, [...args], execOptions).toString();
  } catch (error) {
    const failed = error as { stdout?: Buffer | string; stderr?: Buffer | string; status?: number | null; message: string };
    const stderr = failed.stderr?.toString() ?? '';
    const stdout = failed.stdout?.toString() ?? '';
    const command = [bin.split('/').pop(), ...args].join(' ');
    throw new ToolError(
      `\`${command}\` failed (exit ${failed.status ?? 'signal/timeout'}): ${stderr.trim() || failed.message}`,
      stdout,
      stderr,
      failed.status ?? null,
    );
  }
}

// Keep tests hermetic: never read the developer's kubeconfig or helm repositories/cache,
// so nothing reaches a real cluster or the network by accident.
function isolatedEnv(): Record<string, string> {
  const scratch = fileURLToPath(new URL('../../.tools/home/', import.meta.url));
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: scratch,
    KUBECONFIG: `${scratch}kubeconfig-none`,
    HELM_CACHE_HOME: `${scratch}helm-cache`,
    HELM_CONFIG_HOME: `${scratch}helm-config`,
    HELM_DATA_HOME: `${scratch}helm-data`,
  };
}

/** Runs helm; returns stdout, throws ToolError (message includes stderr) on a non-zero exit. */
export function runHelm(args: readonly string[], opts?: RunToolOptions): string {
  return runTool(helmBin(), args, opts);
}

/** Runs kubectl; returns stdout, throws ToolError (message includes stderr) on a non-zero exit. */
export function runKubectl(args: readonly string[], opts?: RunToolOptions): string {
  return runTool(kubectlBin(), args, opts);
}

/** Runs helm without blocking, so a test can keep a few renders going at once; rejects with a ToolError. */
export function runHelmAsync(args: readonly string[], opts: RunToolOptions = {}): Promise<string> {
  const bin = helmBin();
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      [...args],
      { cwd: opts.cwd, env: { ...isolatedEnv(), ...opts.env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = typeof error.code === 'number' ? error.code : null;
        reject(new ToolError(`\`helm ${args.join(' ')}\` failed (exit ${code ?? 'signal/timeout'}): ${stderr.trim() || error.message}`, stdout, stderr, code));
      },
    );
  });
}
