export {
  type AssemblyFunction,
  type AssemblyRule,
  type AssemblyStack,
  type AssemblyTarget,
  readAssembly,
  regionOfStack,
  resolveValue,
} from './assembly';
export {
  formatHuman,
  loadWorldFile,
  parseReplayArgs,
  type ReplayArgs,
  type ReplayIo,
  runReplayCli,
  USAGE,
} from './cli';
export { AssemblyError, EventFileError, ReplayUsageError } from './errors';
export { type CloudEvent, fromCloudMonitor, parseEventText } from './event-format';
export { type DeliveryOutcome, type InvocationResult, PUSH_RETRIES, type ReplayCall } from './invoke';
export {
  DEFAULT_ACCOUNT_ID,
  type DeliveryReport,
  type EventReport,
  type ReplayFault,
  type ReplayOptions,
  type ReplayReport,
  type ReplayResult,
  replayEvents,
  replaySucceeded,
} from './replay';
