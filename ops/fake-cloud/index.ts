export {
  FakeCloud,
  type FakeCloudOptions,
  type FakeCredentials,
  type FakeService,
  type FakeThrottle,
  type Fault,
  type RecordedCall,
  TEST_CREDENTIALS,
} from './fake-cloud';
export { FakeRos } from './ros';
export { FakeApiError } from './rpc-actions';
export { FakeSecrets } from './secrets';
export { ossV1StringToSign, verifyAcs3, verifyOssV1 } from './signatures';
export { type FakeLog, FakeSls, type FakeSlsState, verifySlsV1 } from './sls';
export {
  cloneWorld,
  INSTANCE_STATUSES,
  parseWorld,
  SERVER_TYPES,
  type World,
  type WorldAutoSnapshotPolicy,
  type WorldBackendServer,
  WorldFileError,
  type WorldGroupServer,
  type WorldInstance,
  type WorldLifecycleAction,
  type WorldLoadBalancer,
  type WorldScalingActivity,
  type WorldScalingGroup,
  type WorldServerGroup,
  type WorldSnapshot,
  type WorldStackGroup,
  type WorldStackGroupOperation,
  type WorldStackInstance,
  type WorldVServerGroup,
} from './world';
