export {
  FakeCloud,
  type FakeCloudOptions,
  type FakeCredentials,
  type FakeService,
  type Fault,
  type RecordedCall,
  TEST_CREDENTIALS,
} from './fake-cloud';
export { FakeApiError } from './rpc-actions';
export { FakeSecrets } from './secrets';
export { ossV1StringToSign, verifyAcs3, verifyOssV1 } from './signatures';
export {
  cloneWorld,
  INSTANCE_STATUSES,
  parseWorld,
  type World,
  type WorldAutoSnapshotPolicy,
  type WorldBackendServer,
  WorldFileError,
  type WorldInstance,
  type WorldLifecycleAction,
  type WorldLoadBalancer,
  type WorldScalingActivity,
  type WorldScalingGroup,
  type WorldSnapshot,
  type WorldVServerGroup,
} from './world';
