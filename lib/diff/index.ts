export { AssemblyError, type AssemblyTemplates, readAssembly, type Template } from './assembly';
export {
  DIFF_SCRIPT,
  type DiffIo,
  type DiffOptions,
  FORMATS,
  parseDiffArgs,
  runDiff,
  USAGE,
  UsageError,
} from './cli';
export { type ChangeDetail, type ChangeGroup, type Comparison, compareAssemblies } from './compare';
export { FAIL_EXIT_CODE, FAIL_ON_VALUES, type FailOn, failingChanges } from './fail-on';
export { NO_CHANGES, renderMarkdown } from './markdown';
export type {
  ChangeAction,
  DiffReport,
  DiffSummary,
  PathChange,
  ResourceChange,
  Risk,
  StackDiff,
  StackStatus,
  StatefulAtRisk,
} from './model';
export { REPLACEMENT_PROPERTIES, replacementSource } from './replacement-properties';
export { STATEFUL_TYPES } from './stateful-types';
export { displayLines, unifiedDiff } from './unified';
