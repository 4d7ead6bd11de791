import * as ros from '@alicloud/ros-cdk-core';

/** The ROS resources at or under `scope`. */
function rosResources(scope: ros.IConstruct): ros.RosResource[] {
  return scope.node.findAll().filter((c): c is ros.RosResource => c instanceof ros.RosResource);
}

/**
 * Makes every ROS resource under `construct` depend on every ROS resource under `targets`, as explicit `DependsOn`
 * entries. Construct-level dependencies (`node.addDependency`) do not reach the ROS template in ROS CDK 1.x;
 * `addRosDependency` does.
 */
export function dependOn(construct: ros.IConstruct, targets: readonly ros.IConstruct[]): void {
  const dependencies = targets.flatMap(rosResources);
  for (const resource of rosResources(construct)) {
    for (const dependency of dependencies) resource.addRosDependency(dependency.logicalId);
  }
}
