export { startSimulator, type RunningSimulator, type SimulatorOptions } from './lib/simulator';
export { SimControl, SimControlRequestError } from './lib/control/sim-control';
export type {
  SimControlError,
  SimLoadBalancerInfo,
  SimMemberInfo,
  SimQuotaReport,
  SimServerFilter,
  SimServerInfo,
  SimStatus,
} from './lib/control/types';
export {
  DEFAULT_BEHAVIOUR,
  type ActiveFault,
  type FaultRule,
  type LatencyPhase,
  type LatencyRule,
  type RouteMatch,
  type SimBehaviour,
  type SimService,
} from './lib/behaviour';
export type { RequestLogEntry, RequestLogFilter } from './lib/request-log';
export {
  defaultSeed,
  resolveSeed,
  type SeedInput,
  stableHexId,
  stableUuid,
  type ComputeQuotas,
  type SeedApplicationCredential,
  type SeedDomain,
  type SeedFlavor,
  type SeedImage,
  type SeedKeypair,
  type SeedLoadBalancer,
  type SeedPool,
  type SeedNetwork,
  type SeedProject,
  type SeedRoleAssignment,
  type SeedUser,
  type SimSeed,
} from './lib/seed';
