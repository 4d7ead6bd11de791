/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** Context path, e.g. `ecs-event-ops.cn-shanghai.autoRestart.maxRestartsPerHour`. */
  readonly path: string;
  /** The value received, rendered as JSON (`undefined` when missing). */
  readonly received: string;
  /** What is allowed. */
  readonly allowed: string;
}

/** The configuration is invalid; `problems` has one entry per problem, each readable on its own. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - context "${p.path}": ${p.received} is not valid: ${p.allowed}`).join('\n'),
      options,
    );
  }
}

/** Renders a received value for a message: JSON, shortened when long. */
export function render(value: unknown): string {
  if (value === undefined) return 'undefined';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep to render (a RangeError), or not JSON at all: the path in the message still locates it.
    return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value;
  }
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
