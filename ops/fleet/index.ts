export { createFleetTool, FLEET_USAGE, type FleetEnvironment, formatDrift, formatOperation, formatStatus } from './cli';
export {
  createFleetApi,
  type FleetApi,
  type FleetApiOptions,
  type OperationResult,
  type ResourceDrift,
  type StackGroupOperation,
  type StackInstance,
} from './client';
export { type FleetConfig, type FleetSettings, readFleetConfig } from './config';
export { type DriftReport, detectDrift, driftClean, type InstanceDrift } from './drift';
export { formatPlan, type NoFleet, type RolloutPlan, type RolloutStep, rolloutPlan } from './plan';
export {
  type OperationReport,
  OperationTimeoutError,
  operationSucceeded,
  operationsSince,
  type PollOptions,
  parseRosTime,
  pollOperation,
  waitForOperation,
} from './wait';
