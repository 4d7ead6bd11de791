import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReplayUsageError } from './errors';

/**
 * Which event files a replay reads: files and folders named on the command line or in list files.
 *
 * A long argument list is not an option for large replays: Linux caps one argument string at 128 KiB
 * (`MAX_ARG_STRLEN`, https://man7.org/linux/man-pages/man2/execve.2.html, "Limits on size of arguments and
 * environment"), and `npm run` passes its arguments to the shell as one string, so 2,000 paths fail before replay
 * starts. A folder or a list file names any number of events in a few bytes.
 */

/** One event file to replay, or an input that could not be read (reported in its place; the others still run). */
export interface EventInput {
  /** Absolute path. */
  readonly file: string;
  /** The path as the report shows it: as given, or joined to the folder as given. */
  readonly shown: string;
  /** Why the input cannot be replayed (a folder that cannot be listed, a broken symbolic link). */
  readonly error?: string;
}

/** Where the inputs come from. */
export interface EventSources {
  /** Files and folders (positional arguments). */
  readonly paths: readonly string[];
  /** List files (`--events-from`), each with one path per line. */
  readonly lists?: readonly string[];
  /** Resolves relative paths (in list files too). @default process.cwd() */
  readonly cwd?: string;
}

/** Deepest folder nesting a replay walks; deeper folders are reported, not read. */
export const MAX_FOLDER_DEPTH = 32;

/**
 * Expands the inputs into event files, in order: the positional paths first, then each list file's paths, in the
 * order given; a folder's `*.json` files (recursively, sub-folders and files sorted by name) where the folder is.
 *
 * Symbolic links are followed, to files and to folders; a folder already walked (by its real path, so a link back to
 * an ancestor) is not walked again, which also ends link loops. A list file holds one path per line; blank lines
 * and lines starting with `#` are skipped; relative paths are resolved against `cwd`, like paths on the command
 * line (as `tar -T` and `rsync --files-from` do).
 *
 * @throws ReplayUsageError when a path given (on the command line or in a list file) does not exist, a list file
 *   cannot be read, or nothing at all was given.
 */
export function collectEventInputs(sources: EventSources): EventInput[] {
  const cwd = sources.cwd ?? process.cwd();
  const given: { path: string; where: string }[] = sources.paths.map((p) => ({ path: p, where: 'event file' }));
  for (const list of sources.lists ?? []) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, list), 'utf8');
    } catch (error) {
      throw new ReplayUsageError(`--events-from "${list}" cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
    text.split(/\r?\n/).forEach((line, i) => {
      const entry = line.trim();
      if (entry !== '' && !entry.startsWith('#'))
        given.push({ path: entry, where: `--events-from "${list}" line ${i + 1}:` });
    });
  }
  if (given.length === 0) throw new ReplayUsageError('no event file given');
  for (const { path: p, where } of given) {
    if (!fs.existsSync(path.resolve(cwd, p))) throw new ReplayUsageError(`${where} "${p}" does not exist`);
  }
  const inputs: EventInput[] = [];
  const walked = new Set<string>();
  for (const { path: p } of given) {
    const file = path.resolve(cwd, p);
    if (fs.statSync(file).isDirectory()) walk(file, p, 0, walked, inputs);
    else inputs.push({ file, shown: p });
  }
  return inputs;
}

function walk(folder: string, shown: string, depth: number, walked: Set<string>, inputs: EventInput[]): void {
  let real: string;
  let entries: fs.Dirent[];
  try {
    real = fs.realpathSync(folder);
    if (walked.has(real)) return;
    walked.add(real);
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    inputs.push({ file: folder, shown, error: `folder cannot be read: ${(error as Error).message}` });
    return;
  }
  if (depth >= MAX_FOLDER_DEPTH) {
    inputs.push({ file: folder, shown, error: `folder is nested deeper than ${MAX_FOLDER_DEPTH} levels; not read` });
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = path.join(folder, entry.name);
    const entryShown = path.join(shown, entry.name);
    let isFolder = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        isFolder = fs.statSync(file).isDirectory();
      } catch (error) {
        inputs.push({ file, shown: entryShown, error: `broken symbolic link: ${(error as Error).message}` });
        continue;
      }
    }
    if (isFolder) walk(file, entryShown, depth + 1, walked, inputs);
    else if (entry.name.endsWith('.json')) inputs.push({ file, shown: entryShown });
  }
}
