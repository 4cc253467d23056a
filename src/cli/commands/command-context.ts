import type { ValidatedConfig } from '../../config/validate-config.js';
import type { CliArgs } from '../cli-args.js';
import type { CliOutput } from '../cli-output.js';
import type { ExitCode } from '../exit-codes.js';

/** What every command gets: the parsed command line, the output, and the validated config. */
export interface CommandContext {
  readonly args: CliArgs;
  readonly output: CliOutput;
  readonly loaded: ValidatedConfig;
  /** Where questions are answered (`down`'s confirmation); a terminal only when `isTTY` is true. Default `process.stdin`. */
  readonly stdin?: NodeJS.ReadStream;
}

/** A command: does its work, prints its result, resolves with the exit code. */
export type Command = (ctx: CommandContext) => Promise<ExitCode>;
