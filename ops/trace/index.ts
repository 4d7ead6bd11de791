export { createTraceTool, deadLetterQueueNames, parseDuration, traceRange } from './cli';
export { createSlsReader, type LogEntry, LogQueryError, type LogReader, type LogSearch } from './sls-client';
export {
  DEAD_LETTER_PEEK_LIMIT,
  formatTimeline,
  type Timeline,
  type TimelineAction,
  type TimelineDeadLetter,
  type TimelineEvent,
  type TraceSources,
  type TraceSubject,
  templateRules,
  traceTimeline,
} from './trace';
