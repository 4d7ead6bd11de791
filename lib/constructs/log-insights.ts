import * as ros from '@alicloud/ros-cdk-core';
import * as sls from '@alicloud/ros-cdk-sls';
import { EVENTS_LOGSTORE, SLS_ALERT_LABEL } from '../../contract/observability';
import { ALERT_QUERIES, CHARTS, type NamedQuery, SAVED_SEARCHES } from '../observability/queries';
import type { FunctionLogs } from './function-logs';

/** One alert rule of {@link LogInsights}. */
export interface LogAlertSpec {
  readonly query: NamedQuery;
  /** Relative start of the window each evaluation reads, e.g. `-5m`, `-24h`. */
  readonly window: string;
  /** How often the rule is evaluated, e.g. `5m`, `1h` (a `FixedRate` schedule). */
  readonly every: string;
  /** The condition on the query's result that fires it, e.g. `failed > 0`. */
  readonly condition: string;
  /** SLS severity: 2 report, 4 low, 6 medium, 8 high, 10 critical. */
  readonly severity: 2 | 4 | 6 | 8 | 10;
  /** What the alert means, for the person who gets it. */
  readonly description: string;
}

/** Props of {@link LogInsights}. */
export interface LogInsightsProps {
  /** The function logs: their project holds the saved searches, the dashboard and the alerts. */
  readonly logs: FunctionLogs;
  /** Prefix of every name (saved searches, dashboard, alerts). */
  readonly namePrefix: string;
  /**
   * Whether the events logstore exists: the searches and charts on it are declared only then.
   * @default true
   */
  readonly eventStore?: boolean;
  /** The alert rules to declare. @default - none */
  readonly alerts?: readonly LogAlertSpec[];
  /**
   * The SLS action policy the alerts notify through (`PolicyConfiguration.ActionPolicyId`). Required when `alerts`
   * is not empty.
   */
  readonly actionPolicyId?: string;
}

/** The alerts this project knows, by the query they run (lib/observability/queries.ts). */
export const LOG_ALERTS = {
  actionsFailing: {
    query: ALERT_QUERIES.actionsFailing,
    window: '-5m',
    every: '5m',
    condition: 'failed > 0',
    severity: 8,
    description: 'An automation failed on an event in the last 5 minutes (saved search failed-actions).',
  },
  noEvents: {
    query: ALERT_QUERIES.noEvents,
    window: '-24h',
    every: '1h',
    condition: 'events < 1',
    severity: 8,
    description:
      'No ECS or Auto Scaling event reached the events logstore for 24 hours: the pipeline (rule, target, role) may be broken.',
  },
  deadLetters: {
    query: ALERT_QUERIES.deadLetters,
    window: '-30m',
    every: '15m',
    condition: 'depth > 0',
    severity: 10,
    description:
      'A dead-letter queue holds messages (records written by dlq-check); inspect with npm run redrive -- --dry-run.',
  },
} as const satisfies Record<string, LogAlertSpec>;

/** Width of the dashboard grid (SLS dashboards lay charts out on 24 columns). */
const GRID = 24;

/**
 * Saved searches, a dashboard and SLS alert rules, declared as code in the function logs' project.
 *
 * Alerts are SLS "new alerting" (version 2.0) rules. How they reach notify: the rule names an action policy
 * (`actionPolicyId`) whose channel is EventBridge; SLS publishes the alert to the default bus (an `sls.alert`
 * CloudEvent), and a rule routes it to notify. The action policy itself is not a ROS resource (an SLS resource record,
 * `sls.alert.action_policy`), so it is created once per account (README). UNCONFIRMED: the action-policy channel
 * keyword for EventBridge and the `source` of the event; see contract/observability.ts for how both answers work.
 * No channel secret is in SLS: notify holds them.
 *
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-savedsearch
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-dashboard
 * @see https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-alert
 * @see https://www.alibabacloud.com/help/en/sls/notification-methods (EventBridge among the action channels)
 */
export class LogInsights extends ros.Construct {
  /** The saved searches, by name. */
  readonly savedSearches: ReadonlyMap<string, sls.Savedsearch>;
  readonly dashboard: sls.Dashboard;
  /** The alert rules, by query name. */
  readonly alerts: ReadonlyMap<string, sls.Alert>;

  constructor(scope: ros.Construct, id: string, props: LogInsightsProps) {
    super(scope, id);
    const withEvents = props.eventStore ?? true;
    const alerts = props.alerts ?? [];
    if (alerts.length > 0 && props.actionPolicyId === undefined) {
      throw new Error(`LogInsights ${this.node.path}: alerts given without an actionPolicyId to notify through`);
    }
    const project = props.logs.projectName;
    const storeOf = (q: NamedQuery) => (q.logstore === 'events' ? EVENTS_LOGSTORE : props.logs.logstoreName);
    const wanted = (q: NamedQuery) => withEvents || q.logstore !== 'events';
    const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());

    const searches = new Map<string, sls.Savedsearch>();
    for (const q of Object.values(SAVED_SEARCHES).filter(wanted)) {
      searches.set(
        q.name,
        new sls.Savedsearch(this, `${id}${pascal(q.name)}Search`, {
          project,
          detail: {
            savedsearchName: `${props.namePrefix}-${q.name}`,
            displayName: q.title,
            logstore: storeOf(q),
            searchQuery: q.query,
            // Required by the ROS validator; our logs carry no topic filter (UNCONFIRMED: "" accepted server-side).
            topic: '',
          },
        }),
      );
    }
    this.savedSearches = searches;

    const charts = Object.values(CHARTS)
      .filter(wanted)
      .map((q, i) => ({
        title: q.title,
        type: q.name === 'system-events-ahead' || q.name === 'events-by-type' ? 'table' : 'linepro',
        search: { logstore: storeOf(q), topic: '', query: q.query, start: '-86400s', end: 'now' },
        display: {
          displayName: q.title,
          xPos: (i % 2) * (GRID / 2),
          yPos: Math.floor(i / 2) * 12,
          width: GRID / 2,
          height: 12,
        },
      }));
    this.dashboard = new sls.Dashboard(this, `${id}Dashboard`, {
      projectName: project,
      dashboardName: `${props.namePrefix}-overview`,
      displayName: 'ecs-event-ops: events, actions, dead letters',
      description: 'Events by type, actions by outcome, dead-letter queue depth, system events ahead',
      charts,
    });

    const declared = new Map<string, sls.Alert>();
    for (const spec of alerts.filter((a) => wanted(a.query))) {
      declared.set(
        spec.query.name,
        new sls.Alert(this, `${id}${pascal(spec.query.name)}Alert`, {
          project,
          detail: {
            name: `${props.namePrefix}-${spec.query.name}`,
            displayName: spec.query.title.slice(0, 64),
            description: spec.description,
            state: 'Enable',
            schedule: { type: 'FixedRate', interval: spec.every },
            configuration: {
              version: '2.0',
              type: 'default',
              // Required by the ROS validator even for 2.0 rules; the SLS console's own alert dashboard.
              dashboard: 'internal-alert-analysis',
              queryList: [
                {
                  query: spec.query.query,
                  start: spec.window,
                  end: 'now',
                  timeSpanType: 'Relative',
                  storeType: 'log',
                  project,
                  store: storeOf(spec.query),
                },
              ],
              groupConfiguration: { type: 'no_group' },
              severityConfigurations: [{ severity: spec.severity, evalCondition: { condition: spec.condition } }],
              labels: [
                { key: SLS_ALERT_LABEL.key, value: SLS_ALERT_LABEL.value },
                { key: 'alert', value: spec.query.name },
              ],
              annotations: [
                { key: 'title', value: spec.query.title },
                { key: 'desc', value: spec.description },
              ],
              policyConfiguration: {
                alertPolicyId: 'sls.builtin.dynamic',
                actionPolicyId: props.actionPolicyId,
                repeatInterval: '1h',
              },
              sendResolved: false,
              noDataFire: false,
            },
          },
        }),
      );
    }
    this.alerts = declared;
  }
}
