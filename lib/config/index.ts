export { ConfigError, type ConfigProblem } from './errors';
export { ID_FORMATS, type IdKind, idProblem } from './ids';
export { DEFAULT_REGION, KNOWN_REGIONS, REGION_IDS } from './regions';
export {
  type AppConfig,
  type ArchiveSettings,
  type AutoRestartSettings,
  CONTEXT_KEY,
  DEFAULT_ASSETS_QUALIFIER,
  DEFAULT_NAME_PREFIX,
  DEFAULT_SETTINGS,
  type FleetConfig,
  type FunctionSettings,
  type PolicySuppression,
  type RegionConfig,
  type RegionSettings,
  type SpotDrainSettings,
} from './schema';
export { loadConfig } from './validate';
