import { z } from 'zod';
import { DEFAULT_NAME_PREFIX } from '../../contract/naming';
import { isPlainObject, mergeContextSources, readContextFiles, resolveAppConfig } from '../../lib/config/context';
import { ConfigError, render } from '../../lib/config/errors';
import { REGION_IDS } from '../../lib/config/regions';
import { loadConfig } from '../../lib/config/validate';
import { pathText, zodProblems } from '../../lib/private/zod-problems';

/** The context path of the block, for messages. */
const FLEET_KEY = 'ecs-event-ops.fleet';

/**
 * The `fleet` block of the app's configuration, as the fleet tool reads it: the same sources and merge as synth
 * (cdk.json, cdk.context.json, `-c` pairs; lib/config/context.ts), then the rest of the configuration validated by
 * `loadConfig` for the name prefix.
 *
 * The block is parsed here with the tool's own schema of the keys it uses, so the tool works whether or not
 * `loadConfig` knows the `fleet` key yet: it is taken out before `loadConfig` runs. Once lib/config/schema.ts declares
 * `fleet`, {@link readFleetConfig} can take it from `loadConfig`'s result instead (one line), and this schema goes.
 * Ranges are the API's: `MaxConcurrentPercentage` 1-100, `FailureToleranceCount` 0-20, at most 20 regions, 50
 * self-managed accounts, 20 folders.
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/api-ros-2019-09-10-createstackinstances
 */

const says = (message: string) => ({ error: message });

const regionId = z.string(says('an Alibaba Cloud region id')).refine((value) => REGION_IDS.includes(value), {
  error: 'an Alibaba Cloud region id',
});

function list<T extends z.ZodType>(item: T, max: number, what: string) {
  const message = says(`a list of 1 to ${max} ${what}`);
  return z.array(item, message).min(1, message).max(max, message);
}

function integer(min: number, max: number) {
  const message = says(`an integer from ${min} to ${max}`);
  return z.number(message).int(message).min(min, message).max(max, message);
}

const fleetSchema = z
  .strictObject(
    {
      regions: list(regionId, 20, 'region ids'),
      accountIds: list(
        z
          .string(says('an Alibaba Cloud account id (digits only)'))
          .regex(/^\d{6,20}$/, 'an Alibaba Cloud account id (digits only)'),
        50,
        'account ids',
      ).optional(),
      folderIds: list(
        z
          .string(says('a Resource Directory folder id (fd-...)'))
          .regex(/^fd-[A-Za-z0-9]+$/, 'a Resource Directory folder id (fd-...)'),
        20,
        'folder ids',
      ).optional(),
      maxConcurrentPercentage: integer(1, 100).optional(),
      failureToleranceCount: integer(0, 20).optional(),
      canaryRegion: regionId.optional(),
      autoDeployment: z.boolean(says('true or false')).optional(),
    },
    says(
      'an object with regions, accountIds or folderIds, maxConcurrentPercentage, failureToleranceCount, canaryRegion, autoDeployment',
    ),
  )
  .refine((fleet) => (fleet.accountIds === undefined) !== (fleet.folderIds === undefined), {
    error: 'exactly one of accountIds (self-managed) and folderIds (service-managed)',
  })
  .refine((fleet) => fleet.canaryRegion === undefined || fleet.regions.includes(fleet.canaryRegion), {
    error: 'one of fleet.regions',
    path: ['canaryRegion'],
  });

/** The keys of the block, for messages. */
const FLEET_KEYS = Object.keys(fleetSchema.shape).join(', ');

/** The `fleet` block. */
export type FleetSettings = z.output<typeof fleetSchema>;

/** What the fleet tool reads from the configuration. */
export interface FleetConfig {
  readonly namePrefix: string;
  /** Undefined when the configuration has no `fleet` block. */
  readonly fleet?: FleetSettings;
}

/**
 * Reads {@link FleetConfig} from the project in `projectRoot`, with `-c` pairs over it.
 *
 * @throws ConfigError naming the key (`ecs-event-ops.fleet.regions[1]`) for an invalid block or configuration
 */
export function readFleetConfig(projectRoot: string, flags: Readonly<Record<string, string>> = {}): FleetConfig {
  const files = readContextFiles(projectRoot);
  const raw = resolveAppConfig(mergeContextSources(files, flags), files);
  const { fleet: rawFleet, ...rest } = isPlainObject(raw) ? raw : {};
  const config = loadConfig(isPlainObject(raw) ? rest : raw);
  if (rawFleet === undefined) return { namePrefix: config.namePrefix ?? DEFAULT_NAME_PREFIX };
  const parsed = fleetSchema.safeParse(rawFleet);
  if (!parsed.success) {
    throw new ConfigError(
      zodProblems(parsed.error.issues, rawFleet).map((problem) => {
        if (problem.kind === 'unknown-key') {
          return {
            path: pathText(FLEET_KEY, problem.at),
            received: `"${problem.key}"`,
            allowed: `a key of fleet: ${FLEET_KEYS}`,
          };
        }
        if (problem.kind === 'missing') {
          return {
            path: pathText(FLEET_KEY, [...problem.at, problem.key]),
            received: 'undefined',
            allowed: 'required',
          };
        }
        return { path: pathText(FLEET_KEY, problem.at), received: render(problem.value), allowed: problem.message };
      }),
    );
  }
  return { namePrefix: config.namePrefix, fleet: parsed.data };
}
