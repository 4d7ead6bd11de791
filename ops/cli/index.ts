/**
 * The CLI kit of the operator tools: one program builder on commander, one error style, EPIPE-safe output, progress
 * on stderr, colour only for terminals, and termination-signal handling.
 */
export { EXIT, oneLine, ToolFailure, UsageError } from './errors';
export { bufferIo, type CliIo, createProcessIo, type SafeWriter, safeWriter, type WatchedStream } from './io';
export { type MainOptions, runMain } from './main';
export {
  accountIdOption,
  flagOf,
  flagOption,
  NAME_PREFIX,
  NAME_PREFIX_ALLOWED,
  parseOptions,
  regionOption,
  repeatableOption,
  usage,
} from './option-schema';
export { contextOption, OptionReader, parseContextPairs, repeatable } from './options';
export {
  buildCommand,
  defineTool,
  type RunToolOptions,
  runTool,
  type ToolContext,
  type ToolSpec,
} from './program';
export { type Heartbeat, type HeartbeatOptions, startHeartbeat } from './progress';
export {
  Interrupted,
  type SignalSource,
  type SignalTrap,
  type SignalTrapOptions,
  TERMINATION_SIGNALS,
  type TerminationSignal,
  trapTerminationSignals,
} from './signals';
export { colourEnabled, createStyle, type Style } from './style';
