import { mergeContextSources, readContextFiles, resolveAppConfig } from './context';
import type { AppConfig } from './schema';
import { loadConfig } from './validate';

/**
 * The app's configuration as synth builds it, for the operator tools: `cdk.json`, `cdk.context.json` and `--context`
 * flags merged as the `ros-cdk` CLI merges them, then the whole-key and dotted-key overrides the app merges itself,
 * then validation. Tools that call this use the names, queues and buckets of the deployed stacks.
 *
 * @param projectRoot the folder of `cdk.json`
 * @param flags `--context` pairs, already split (see `parseContextFlags`)
 * @throws ConfigError or ContextSourceError with a message for the user
 */
export function loadProjectConfig(projectRoot: string, flags: Readonly<Record<string, string>> = {}): AppConfig {
  const files = readContextFiles(projectRoot);
  return loadConfig(resolveAppConfig(mergeContextSources(files, flags), files));
}
