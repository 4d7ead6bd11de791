export { createTraceTool, parseDuration, traceRange } from './cli';
export { createSlsReader, type LogEntry, LogQueryError, type LogReader, type LogSearch } from './sls-client';
export {
  formatTimeline,
  type Timeline,
  type TimelineAction,
  type TimelineEvent,
  type TraceSources,
  type TraceSubject,
  templateRules,
  traceTimeline,
} from './trace';
