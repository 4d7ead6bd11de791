export { type AgeLimits, readAgeLimits } from './age-limits';
export {
  checkRedriveArgs,
  createRedriveTool,
  formatSummary,
  REDRIVE_USAGE,
  type RedriveArgs,
  type RedriveEnvironment,
  type RedriveIo,
  runRedriveCli,
} from './cli';
export {
  type ClientOptions,
  createDeadLetterQueue,
  createEventPublisher,
  createFunctionInvoker,
  type DeadLetterQueue,
  type EventPublisher,
  type FunctionInvoker,
  QueueError,
  type QueueMessage,
} from './clients';
export {
  type DeadLetter,
  type DeadLetterSummary,
  type EventBridgeDeadLetter,
  type FunctionFailureDeadLetter,
  type FunctionTarget,
  parseDeadLetter,
  parseFunctionArn,
  type UnknownDeadLetter,
} from './dead-letter';
export {
  DEFAULT_DESTINATION,
  formatAge,
  formatOutcome,
  functionOfQueue,
  type MessageOutcome,
  MNS_BATCH_LIMIT,
  type RedriveDeps,
  type RedriveDestination,
  type RedriveReport,
  type RedriveRequest,
  redrive,
  redriveExitCode,
  STALE_MARGIN_MS,
} from './redrive';
