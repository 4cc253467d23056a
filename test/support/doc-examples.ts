/**
 * The one way tests read and run the code in the project's markdown (README.md, docs/*.md, each
 * plugin's README), so the docs cannot rot.
 *
 * A block is marked by an HTML comment on the line before its fence: `<!-- example -->` for a
 * TypeScript example that runs as it is, `<!-- file: knexfile.mjs -->` for a file a walkthrough
 * writes, `<!-- commands -->` for the shell lines it types.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

/** The project's root folder. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// `.scratch-*` folders are ignored by git; an example must live inside the project for vitest to transform it.
const SCRATCH = join(ROOT, '.scratch-doc-examples');

/** A fenced code block that follows a `<!-- marker -->` or `<!-- marker: argument -->` comment. */
export interface DocBlock {
  /** The markdown file, relative to the project root. */
  readonly file: string;
  /** The comment's argument (`knexfile.mjs` in `<!-- file: knexfile.mjs -->`), or undefined. */
  readonly argument: string | undefined;
  /** The fence's language (`ts`, `js`, `sh`). */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the marker comment, for test names. */
  readonly line: number;
  /** 0-based position among the file's blocks with the same marker (and language, when one was asked for). */
  readonly index: number;
}

/** The blocks of `file` (relative to the project root) marked `marker`, in order; only those fenced as `lang` when given. */
export function docBlocks(file: string, marker: string, lang?: string): DocBlock[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`<!-- ${escaped}(?::\\s*(\\S+))? -->\\s*\`\`\`(\\w*)\\n([\\s\\S]*?)\`\`\``, 'g');
  const blocks: DocBlock[] = [];
  for (const match of text.matchAll(pattern)) {
    if (lang !== undefined && match[2] !== lang) continue;
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ file, argument: match[1], lang: match[2]!, code: match[3]!, line, index: blocks.length });
  }
  return blocks;
}

/** The markdown files of the project's own docs: README.md and docs/*.md. */
export function projectDocs(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** The lines of the first `<!-- commands -->` shell block of `file`, blank lines left out. */
export function docCommands(file: string): string[] {
  const [block] = docBlocks(file, 'commands', 'sh');
  return (block?.code ?? '').split('\n').filter((line) => line.trim().length > 0);
}

/** The `<!-- file: name -->` blocks of `file` as a map from name to content, in order. */
export function docFiles(file: string): Record<string, string> {
  return Object.fromEntries(docBlocks(file, 'file').map((block) => [block.argument ?? '', block.code]));
}

/** Options of `runDocExample`. */
export interface RunDocExampleOptions {
  /** Working folder while the example runs (its relative paths land there); default: the current one. */
  readonly cwd?: string;
}

/** What an example printed through `console.log`/`console.warn`, one entry a call (non-strings as JSON). */
export interface DocExampleRun {
  readonly printed: string[];
}

/**
 * Runs a TypeScript example as a module and resolves once its top level has finished: `knexus` is the
 * source entry point and `knexus/plugins/<name>` this repository's plugin source (one module graph), so
 * an example tests the code beside it, not a stale build.
 */
export async function runDocExample(block: DocBlock, options: RunDocExampleOptions = {}): Promise<DocExampleRun> {
  const source = block.code
    .replace(/from 'knexus'/g, `from '${pathToFileURL(join(ROOT, 'src', 'index.ts')).href}'`)
    .replace(/'knexus\/plugins\/([\w-]+)'/g, (_, name: string) => `'${pathToFileURL(join(ROOT, 'plugins', name, 'index.ts')).href}'`);
  mkdirSync(SCRATCH, { recursive: true });
  const path = join(SCRATCH, `${block.file.replace(/\W/g, '_')}-${block.index}-${process.pid}.ts`);
  writeFileSync(path, `// ${block.file}:${block.line}\n${source}\nexport {};\n`);
  const printed: string[] = [];
  const capture = (...args: unknown[]): void => {
    printed.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  };
  const spies = [vi.spyOn(console, 'log').mockImplementation(capture), vi.spyOn(console, 'warn').mockImplementation(capture)];
  const cwd = process.cwd();
  if (options.cwd !== undefined) process.chdir(options.cwd);
  try {
    await import(pathToFileURL(path).href);
  } finally {
    process.chdir(cwd);
    for (const spy of spies) spy.mockRestore();
    rmSync(path, { force: true });
  }
  return { printed };
}
