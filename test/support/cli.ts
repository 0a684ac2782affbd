// Running the CLI in a test: what it prints is captured, never shown (tests keep their output quiet).
import { runCli } from '../../lib/cli/main.ts';

/** A CliIo whose output is kept in stdout and stderr. */
export function capture() {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

/** `meshfleet <argv>` in-process: its exit code and what it printed. */
export async function run(...argv: string[]) {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
