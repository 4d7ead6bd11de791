export { FleetStack, type FleetStackProps, fleetStackRegion, SELF_MANAGED_ROLES } from './fleet-stack';
export {
  buildGroupTemplate,
  type GroupTemplate,
  GroupTemplateError,
  type GroupTemplateProps,
  MAX_TEMPLATE_BYTES,
} from './group-template';
