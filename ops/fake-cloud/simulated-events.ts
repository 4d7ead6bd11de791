import { randomBytes, randomUUID } from 'node:crypto';
import { SIMULATABLE_EVENT_TYPES } from '../../contract/simulated-events';
import { FakeApiError, type RpcAction } from './rpc-actions';
import type { World } from './world';

/**
 * Simulated ECS system events (ECS 2014-05-26): `CreateSimulatedSystemEvents`, `DescribeInstanceHistoryEvents`,
 * `CancelSimulatedSystemEvents`, with the lifecycle of the simulated-events tutorial: maintenance events start
 * `Scheduled` and become `Executed` at `NotBefore`; failure events start `Executing`; a cancel makes them `Canceled`.
 * `DescribeInstanceHistoryEvents` returns only completed events (Avoided, Executed, Canceled, Failed) unless
 * `InstanceEventCycleStatus.N` asks for others, as documented, and filters on `InstanceEventType.N` (or `EventType`)
 * and `NotBefore.Start`/`NotBefore.End`.
 * @see https://help.aliyun.com/document_detail/88814.html
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstancehistoryevents
 *
 * Error codes for a wrong type, a past NotBefore, a second active event on an instance and canceling a finished
 * event are the fake's own (UNCONFIRMED: the real codes are not in the docs we have).
 */

/** A simulated event held by the fake. */
export interface FakeSystemEvent {
  readonly eventId: string;
  readonly instanceId: string;
  readonly eventType: string;
  status: string;
  readonly notBefore: string;
  readonly publishTime: string;
  finishTime?: string;
}

const COMPLETED = ['Avoided', 'Executed', 'Canceled', 'Failed'];
const ACTIVE = ['Scheduled', 'Executing', 'Inquiring'];

/** The simulated-events state of a fake cloud; reachable as `cloud.systemEvents`. */
export class FakeSimulatedEvents {
  readonly events: FakeSystemEvent[] = [];
  /** The clock deciding Scheduled -> Executed at NotBefore; tests may replace it. */
  now: () => number = Date.now;
  /** Called after an event was created: tests play the downstream pipeline from here (archive, alert). */
  onCreate: (event: FakeSystemEvent) => void = () => undefined;
  /** The ECS actions, to merge into the fake's ECS action table. */
  readonly actions: Readonly<Record<string, RpcAction>>;

  constructor() {
    this.actions = {
      CreateSimulatedSystemEvents: (world, params) => this.create(world, params),
      DescribeInstanceHistoryEvents: (world, params) => this.describe(world, params),
      CancelSimulatedSystemEvents: (world, params) => this.cancel(world, params),
    };
  }

  /** Moves Scheduled events whose NotBefore has passed to Executed. */
  private advance(): void {
    for (const event of this.events) {
      if (event.status === 'Scheduled' && Date.parse(event.notBefore) <= this.now()) {
        event.status = 'Executed';
        event.finishTime = utc(this.now());
      }
    }
  }

  private create(world: World, params: Readonly<Record<string, string>>): Record<string, unknown> {
    checkRegion(world, params);
    const eventType = required(params, 'EventType');
    if (!(SIMULATABLE_EVENT_TYPES as readonly string[]).includes(eventType)) {
      throw new FakeApiError(400, 'InvalidParameter.EventType', `EventType ${eventType} cannot be simulated`);
    }
    const notBefore = required(params, 'NotBefore');
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(notBefore)) {
      throw new FakeApiError(400, 'InvalidParameter.NotBefore', 'NotBefore must be UTC yyyy-MM-ddTHH:mm:ssZ');
    }
    if (Date.parse(notBefore) <= this.now()) {
      throw new FakeApiError(400, 'InvalidParameter.NotBefore', 'NotBefore must be in the future');
    }
    const instanceIds = indexed(params, 'InstanceId');
    if (instanceIds.length === 0) throw new FakeApiError(400, 'MissingParameter', 'InstanceId.N is mandatory');
    this.advance();
    for (const id of instanceIds) {
      const instance = world.instances.find((i) => i.id === id);
      if (instance === undefined) throw new FakeApiError(404, 'InvalidInstanceId.NotFound', `instance ${id} not found`);
      if (this.events.some((e) => e.instanceId === id && ACTIVE.includes(e.status))) {
        throw new FakeApiError(
          403,
          'InvalidOperation.EventExists',
          `instance ${id} already has an active simulated event`,
        );
      }
    }
    const created = instanceIds.map((instanceId) => {
      const event: FakeSystemEvent = {
        eventId: `e-${randomBytes(10).toString('hex')}`,
        instanceId,
        eventType,
        status: eventType.startsWith('SystemMaintenance.') ? 'Scheduled' : 'Executing',
        notBefore,
        publishTime: utc(this.now()),
      };
      this.events.push(event);
      return event;
    });
    for (const event of created) this.onCreate(event);
    return { RequestId: randomUUID().toUpperCase(), EventIdSet: { EventId: created.map((e) => e.eventId) } };
  }

  private describe(world: World, params: Readonly<Record<string, string>>): Record<string, unknown> {
    checkRegion(world, params);
    this.advance();
    const ids = indexed(params, 'EventId');
    const statuses = indexed(params, 'InstanceEventCycleStatus');
    const wanted = statuses.length > 0 ? statuses : COMPLETED;
    // InstanceEventType.N wins over EventType, as documented; NotBefore.Start/End bound NotBefore, both inclusive
    // (UNCONFIRMED: the docs do not say whether the bounds are inclusive).
    const types = indexed(params, 'InstanceEventType');
    const typeFilter = types.length > 0 ? types : params.EventType === undefined ? [] : [params.EventType];
    const from = params['NotBefore.Start'] === undefined ? undefined : Date.parse(params['NotBefore.Start']);
    const to = params['NotBefore.End'] === undefined ? undefined : Date.parse(params['NotBefore.End']);
    const found = this.events.filter(
      (e) =>
        (ids.length === 0 || ids.includes(e.eventId)) &&
        (params.InstanceId === undefined || params.InstanceId === e.instanceId) &&
        (typeFilter.length === 0 || typeFilter.includes(e.eventType)) &&
        (from === undefined || Date.parse(e.notBefore) >= from) &&
        (to === undefined || Date.parse(e.notBefore) <= to) &&
        wanted.includes(e.status),
    );
    return {
      RequestId: randomUUID().toUpperCase(),
      TotalCount: found.length,
      PageNumber: 1,
      PageSize: 10,
      InstanceSystemEventSet: {
        InstanceSystemEventType: found.map((e) => ({
          EventId: e.eventId,
          InstanceId: e.instanceId,
          ResourceType: 'instance',
          EventType: { Code: 0, Name: e.eventType },
          EventCycleStatus: { Code: 0, Name: e.status },
          NotBefore: e.notBefore,
          EventPublishTime: e.publishTime,
          EventFinishTime: e.finishTime ?? '',
          Reason: 'simulated',
        })),
      },
    };
  }

  private cancel(world: World, params: Readonly<Record<string, string>>): Record<string, unknown> {
    checkRegion(world, params);
    this.advance();
    const ids = indexed(params, 'EventId');
    if (ids.length === 0) throw new FakeApiError(400, 'MissingParameter', 'EventId.N is mandatory');
    for (const id of ids) {
      const event = this.events.find((e) => e.eventId === id);
      if (event === undefined) throw new FakeApiError(404, 'InvalidEventId.NotFound', `event ${id} not found`);
      if (!ACTIVE.includes(event.status)) {
        throw new FakeApiError(403, 'IncorrectEventStatus', `event ${id} is ${event.status} and cannot be canceled`);
      }
    }
    for (const id of ids) {
      const event = this.events.find((e) => e.eventId === id);
      if (event !== undefined) {
        event.status = 'Canceled';
        event.finishTime = utc(this.now());
      }
    }
    return { RequestId: randomUUID().toUpperCase() };
  }
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function required(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw new FakeApiError(400, 'MissingParameter', `${name} is mandatory`);
  return value;
}

/** Values of `Name.1`, `Name.2`, ... in order. */
function indexed(params: Readonly<Record<string, string>>, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; params[`${name}.${i}`] !== undefined; i++) values.push(params[`${name}.${i}`]);
  return values;
}

function checkRegion(world: World, params: Readonly<Record<string, string>>): void {
  if (params.RegionId !== world.region) {
    throw new FakeApiError(400, 'InvalidRegionId.NotFound', `RegionId ${params.RegionId} is not ${world.region}`);
  }
}
