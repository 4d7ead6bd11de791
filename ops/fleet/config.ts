import { mergeContextSources, readContextFiles, resolveAppConfig } from '../../lib/config/context';
import type { FleetConfig as FleetSettings } from '../../lib/config/schema';
import { loadConfig } from '../../lib/config/validate';

/** The validated `fleet` block, defaults applied (lib/config/schema.ts `FleetConfig`). */
export type { FleetSettings };

/** What the fleet tool reads from the configuration. */
export interface FleetConfig {
  readonly namePrefix: string;
  /** Undefined when the configuration has no `fleet` block. */
  readonly fleet?: FleetSettings;
}

/**
 * Reads {@link FleetConfig} from the project in `projectRoot`, with `-c` pairs over it: the same sources and merge as
 * synth (cdk.json, cdk.context.json, `-c` pairs; lib/config/context.ts), validated by the one schema, `loadConfig`
 * (lib/config), so the tool sees exactly the block synth builds the fleet stack from (canary region resolved,
 * defaults applied, cross-field rules checked).
 *
 * @throws ConfigError naming the key (`ecs-event-ops.fleet.regions[1]`) for an invalid block or configuration
 */
export function readFleetConfig(projectRoot: string, flags: Readonly<Record<string, string>> = {}): FleetConfig {
  const files = readContextFiles(projectRoot);
  const config = loadConfig(resolveAppConfig(mergeContextSources(files, flags), files));
  return config.fleet === undefined
    ? { namePrefix: config.namePrefix }
    : { namePrefix: config.namePrefix, fleet: config.fleet };
}
