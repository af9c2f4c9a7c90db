import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OPERATING_STATUSES, type OperatingStatus, PROVISIONING_STATUSES, type ProvisioningStatus } from '@peak/openstack-client';

const PROVISIONING = { enum: PROVISIONING_STATUSES, enumName: 'LoadBalancerProvisioningStatus' } as const;
const OPERATING = { enum: OPERATING_STATUSES, enumName: 'LoadBalancerOperatingStatus' } as const;

/** An Octavia load balancer of the caller's project, whose pools a schedule's VMs may join. */
export class LoadBalancerDto {
  /** Octavia load balancer id (UUID). */
  @ApiProperty({ example: '607226db-27ef-4d41-ae89-f2a800e9c2db' })
  id!: string;
  /** Its name; may be empty in Octavia. */
  @ApiProperty({ example: 'web-lb' })
  name!: string;
  @ApiProperty({ example: 'The shop front' })
  description!: string;
  /** The address clients connect to. */
  @ApiProperty({ example: '203.0.113.50' })
  vipAddress!: string;
  /** The subnet of that address: where members are placed unless a schedule names another subnet. */
  @ApiPropertyOptional({ example: '08dce793-daef-411d-a896-d389cd45b1ea' })
  vipSubnetId?: string;
  @ApiPropertyOptional({ example: 'd0d217df-3958-4fbf-a3c2-8dad2908c709' })
  vipNetworkId?: string;
  /** Octavia's provisioning status: while `PENDING_*`, its pools and members cannot be changed. */
  @ApiProperty({ ...PROVISIONING, example: 'ACTIVE' })
  provisioningStatus!: ProvisioningStatus;
  @ApiProperty({ ...OPERATING, example: 'ONLINE' })
  operatingStatus!: OperatingStatus;
  /** Ids of its pools (`GET /v1/load-balancers/{id}/pools` describes them). */
  @ApiProperty({ example: ['4029d267-3983-4224-a3d0-afb3fe16a2cd'] })
  poolIds!: string[];
}

/** A pool of a load balancer: the members traffic is spread over. */
export class LoadBalancerPoolDto {
  /** Octavia pool id (UUID). */
  @ApiProperty({ example: '4029d267-3983-4224-a3d0-afb3fe16a2cd' })
  id!: string;
  @ApiProperty({ example: 'web-pool' })
  name!: string;
  @ApiProperty({ example: '' })
  description!: string;
  /** `HTTP`, `HTTPS`, `TCP`, `UDP`, `PROXY`, `PROXYV2` or `SCTP`. */
  @ApiProperty({ example: 'HTTP' })
  protocol!: string;
  /** `ROUND_ROBIN`, `LEAST_CONNECTIONS`, `SOURCE_IP` or `SOURCE_IP_PORT`. */
  @ApiProperty({ example: 'ROUND_ROBIN' })
  lbAlgorithm!: string;
  /** Its health monitor, when it has one: members then count as serving only once it sees them ONLINE. */
  @ApiPropertyOptional({ example: '8bbfa40b-47bb-4d54-9f0d-5d0b6b5ad68c' })
  healthMonitorId?: string;
  /** How many members it has now, ours and others'. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  memberCount!: number;
  @ApiProperty({ ...PROVISIONING, example: 'ACTIVE' })
  provisioningStatus!: ProvisioningStatus;
  @ApiProperty({ ...OPERATING, example: 'ONLINE' })
  operatingStatus!: OperatingStatus;
}
