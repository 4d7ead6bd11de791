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
  checkReplayArgs,
  createReplayTool,
  formatEvent,
  formatHuman,
  JsonReportWriter,
  loadWorldFile,
  type ReplayArgs,
  type ReplayIo,
  type ReplayOptionValues,
  runReplayCli,
  USAGE,
} from './cli';
export { AssemblyError, EventFileError, ReplayInputError, ReplayUsageError } from './errors';
export { type CloudEvent, fromCloudMonitor, MAX_EVENT_DEPTH, parseEventText } from './event-format';
export { collectEventInputs, type EventInput, type EventSources, MAX_FOLDER_DEPTH } from './inputs';
export { ContainerPool, type DeliveryOutcome, type InvocationResult, PUSH_RETRIES, type ReplayCall } from './invoke';
export {
  DEFAULT_ACCOUNT_ID,
  type DeliveryDetails,
  type DeliveryReport,
  type EventReport,
  type ReplayFault,
  type ReplayOptions,
  type ReplayReport,
  type ReplayResult,
  replayEvents,
  replaySucceeded,
} from './replay';
export { SimulatedClock } from './simulated-clock';
