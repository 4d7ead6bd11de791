/**
 * The resource properties that ROS cannot update in place: the single list the diff's `replace` risk is read from.
 *
 * Each ROS resource reference page has a properties table whose "Update allowed" (or "Editable") column says "No" for
 * these. Changing one does not update the resource: ROS fails the stack update, or, when the update runs with
 * replacement enabled, creates a new resource and deletes the old one (a new physical id; a bucket, queue or log
 * store loses what it holds). Checked against the ROS resource reference on 2026-11-22.
 *
 * To add a property: add it under its resource type with the URL of the reference page that marks it "No".
 *
 * @see https://www.alibabacloud.com/help/en/resource-orchestration-service/latest/update-a-stack-by-replacing-its-resource-properties
 */
export const REPLACEMENT_PROPERTIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'ALIYUN::OSS::Bucket': {
    BucketName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-oss-bucket',
  },
  'ALIYUN::EventBridge::Rule': {
    RuleName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-eventbridge-rule',
    EventBusName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-eventbridge-rule',
  },
  'ALIYUN::MNS::Queue': {
    QueueName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-mns-queue',
  },
  'ALIYUN::FC::Service': {
    ServiceName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-service',
  },
  'ALIYUN::FC::Function': {
    FunctionName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-function',
    ServiceName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-fc-function',
  },
  'ALIYUN::RAM::Role': {
    RoleName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ram-role',
    // The page marks Description "No" too; our roles carry one, so an edited description is flagged.
    Description: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-ram-role',
  },
  'ALIYUN::SLS::Project': {
    Name: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-project',
    Description: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-project',
  },
  'ALIYUN::SLS::Logstore': {
    LogstoreName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-logstore',
    ProjectName: 'https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-sls-logstore',
  },
};

/**
 * The reference page saying ROS cannot update `property` of `type` in place, or `undefined` when it can.
 *
 * @example replacementSource('ALIYUN::OSS::Bucket', 'BucketName') // 'https://…/aliyun-oss-bucket'
 */
export function replacementSource(type: string, property: string): string | undefined {
  const properties = REPLACEMENT_PROPERTIES[type];
  return properties !== undefined && Object.hasOwn(properties, property) ? properties[property] : undefined;
}
