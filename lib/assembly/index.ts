export { type Assembly, AssemblyError, type AssemblyStack, readAssembly, STACK_REGION_PARAMETER } from './read';
export { reportStackOf } from './routing';
export { type RosTemplate, resourceStrings, type TemplateResource } from './template';
