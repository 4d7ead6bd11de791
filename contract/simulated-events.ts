/**
 * Simulated system events: what `CreateSimulatedSystemEvents` accepts and how its `NotBefore` must look.
 * @see https://help.aliyun.com/document_detail/88814.html (CreateSimulatedSystemEvents)
 */

/** The `EventType` values `CreateSimulatedSystemEvents` accepts. */
export const SIMULATABLE_EVENT_TYPES = [
  'SystemMaintenance.Reboot',
  'SystemMaintenance.Stop',
  'SystemMaintenance.Redeploy',
  'SystemFailure.Reboot',
  'SystemFailure.Redeploy',
  'SystemFailure.Stop',
  'InstanceFailure.Reboot',
] as const;

/** One of {@link SIMULATABLE_EVENT_TYPES}. */
export type SimulatableEventType = (typeof SIMULATABLE_EVENT_TYPES)[number];

/** Narrows a string to a simulatable type. */
export function isSimulatableEventType(value: string): value is SimulatableEventType {
  return (SIMULATABLE_EVENT_TYPES as readonly string[]).includes(value);
}
