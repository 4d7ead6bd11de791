import { SLS_ALERT_LABEL, SLS_ALERT_SOURCES, SLS_ALERT_TYPE } from '../../contract/observability';
import type { EventPattern } from './pattern';

/**
 * Matches the SLS alerts of this project: type `sls.alert` under both source spellings (which one the bus carries is
 * UNCONFIRMED, see contract/observability.ts), carrying the label every alert rule of the stack sets
 * (`data.labels.app` = `ecs-event-ops`), so that another team's SLS alerts on the same bus do not page through us.
 * @see https://help.aliyun.com/zh/sls/product-overview/events (the SLS alert event)
 * @see https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-patterns (nested `data` matching)
 * @example slsAlerts() // { source: ['acs.sls', 'acs:sls'], type: ['sls.alert'], data: { labels: { app: ['ecs-event-ops'] } } }
 */
export function slsAlerts(): EventPattern {
  return {
    source: [...SLS_ALERT_SOURCES],
    type: [SLS_ALERT_TYPE],
    data: { labels: { [SLS_ALERT_LABEL.key]: [SLS_ALERT_LABEL.value] } },
  };
}
