export { AssemblyError, type AssemblyTemplates, readAssembly, type Template } from './assembly';
export {
  createDiffTool,
  DIFF_SCRIPT,
  type DiffDeps,
  type DiffIo,
  type DiffOptions,
  diffOptions,
  FORMATS,
  runDiff,
  USAGE,
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
export { changedRouting } from './routing';
export { STATEFUL_TYPES } from './stateful-types';
export { displayLines, unifiedDiff } from './unified';
