/**
 * Runs the `knexus` CLI in this process through `main(argv, streams)`, capturing what it prints.
 */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** What one in-process CLI run produced. */
export interface MainRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

/** Runs `knexus …argv` and resolves with its exit code and output; `stdin` answers questions (as a terminal would). */
export async function runMain(argv: readonly string[], options: { stdin?: NodeJS.ReadStream } = {}): Promise<MainRun> {
  const out = sink();
  const err = sink();
  const code = await main(argv, {
    stdout: out.stream,
    stderr: err.stream,
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Runs `knexus …argv --json` and parses the one document it prints. */
export async function runMainJson(argv: readonly string[]): Promise<MainRun & { json: Record<string, any> }> {
  const run = await runMain([...argv, '--json']);
  try {
    return { ...run, json: JSON.parse(run.stdout) as Record<string, any> };
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  }
}
