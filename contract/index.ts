/**
 * The contract between the stack (lib/), the handlers (lambda-src/) and the operator tools: names, layouts and
 * patterns both sides must agree on, each written once. Dependency-free: it imports nothing outside contract/.
 */
export { ALERTS_FOLDER, ALERTS_PREFIX, ARCHIVE_PREFIXES, idempotencyKey, statePrefix } from './archive';
export { ENDPOINT_ALLOWED, isLoopbackHost, parseEndpoint } from './endpoints';
export { AUTO_RESTART_ENV, type AutoRestartSettings, formatAutoRestartEnv } from './env/auto-restart';
export { COMMON_ENV, type CommonSettings, formatCommonEnv } from './env/common';
export { DLQ_CHECK_ENV, type DlqCheckSettings, formatDlqCheckEnv } from './env/dlq-check';
export { ENDPOINT_ENV, type EndpointService, formatEndpointEnv } from './env/endpoints';
export { formatNotifyEnv, NOTIFY_ENV, type NotifySettings } from './env/notify';
export {
  breakerPrefix,
  formatSafetyEnv,
  MAX_ACTIONS_PER_HOUR,
  MAX_EVENT_AGE_HOURS,
  type ParsedSafetyEnv,
  parseSafetyEnv,
  REDRIVE_OVERRIDE_FIELD,
  SAFETY_ENV,
  type SafetySettings,
  wrapRedrivePayload,
} from './env/safety';
export { formatScaleOutEnv, SCALE_OUT_ENV, type ScaleOutSettings } from './env/scale-out';
export {
  ALERT_CHANNEL_SECRETS,
  type AlertChannelSecret,
  formatAlertChannelEnv,
  SECRET_STORE_ENV,
  type SecretStoreKind,
  secretNameVariable,
} from './env/secrets';
export {
  DRAIN_SECONDS,
  formatSpotDrainEnv,
  SPOT_DRAIN_ENV,
  SPOT_DRAIN_TIMEOUT_MARGIN_SECONDS,
  type SpotDrainSettings,
} from './env/spot-drain';
export { ECS_SOURCE, ESS_SOURCE, EVENT_TYPES } from './events';
export {
  type ConfigIdKind,
  ID_FORMATS,
  ID_PREFIXES,
  type IdKind,
  idPattern,
  TAG_KEY,
  TAG_KEY_ALLOWED,
  TAG_VALUE,
} from './ids';
export {
  formatLedgerLine,
  LEDGER_DECISIONS,
  LEDGER_RECORD_FIELD,
  LEDGER_RECORD_VALUE,
  type LedgerCall,
  type LedgerCallResult,
  type LedgerDecision,
  type LedgerRecord,
  parseLedgerLine,
} from './ledger';
export {
  archiveBucketName,
  archiveBucketNamePrefix,
  automationResourceName,
  DEFAULT_NAME_PREFIX,
  deadLetterQueueName,
  declaredRuleName,
  fleetStackName,
  functionRoleName,
  prefixedName,
  ruleName,
  stackGroupName,
  stackName,
} from './naming';
export {
  DLQ_RETENTION_SECONDS,
  IDEMPOTENCY_WINDOW_SECONDS,
  MARKER_RETENTION_DAYS,
  MAX_IDEMPOTENCY_WINDOW_SECONDS,
} from './retention';
