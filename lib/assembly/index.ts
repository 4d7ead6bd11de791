export {
  type Assembly,
  AssemblyError,
  type AssemblyStack,
  type ReadAssemblyOptions,
  readAssembly,
  STACK_GROUP_TYPE,
  STACK_REGION_PARAMETER,
} from './read';
export { reportStackOf } from './routing';
export { type RosTemplate, resourceStrings, type TemplateResource } from './template';
