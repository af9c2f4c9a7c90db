import type { Command } from 'commander';
import type { FlavorDto, ImageDto, NetworkDto } from '@peak/sdk';
import { act, addOutputOptions, type Io } from '../context';
import { listing, type Column } from '../output';

const IMAGE_COLUMNS: readonly Column<ImageDto>[] = [
  { header: 'ID', get: (i) => i.id },
  { header: 'Name', get: (i) => i.name },
  { header: 'Status', get: (i) => i.status },
  { header: 'Size', get: (i) => i.sizeBytes ?? null },
  { header: 'Visibility', get: (i) => i.visibility ?? null },
];

const FLAVOR_COLUMNS: readonly Column<FlavorDto>[] = [
  { header: 'ID', get: (f) => f.id },
  { header: 'Name', get: (f) => f.name },
  { header: 'VCPUs', get: (f) => f.vcpus },
  { header: 'RAM', get: (f) => f.ramMiB },
  { header: 'Disk', get: (f) => f.diskGiB },
  { header: 'Is Public', get: (f) => f.isPublic },
];

const NETWORK_COLUMNS: readonly Column<NetworkDto>[] = [
  { header: 'ID', get: (n) => n.id },
  { header: 'Name', get: (n) => n.name },
  { header: 'Status', get: (n) => n.status },
  { header: 'Shared', get: (n) => n.shared },
  { header: 'External', get: (n) => n.external },
  { header: 'Subnets', get: (n) => n.subnets },
];

export function registerCatalog(program: Command, io: Io): void {
  const catalog = program.command('catalog').description('what a schedule can use: images, flavors, networks');
  act(addOutputOptions(catalog.command('images').description('list the images the project may boot')), io, async (ctx) => {
    ctx.print(listing((await ctx.client().listImages()).data, IMAGE_COLUMNS));
  });
  act(addOutputOptions(catalog.command('flavors').description('list the flavors the project may use')), io, async (ctx) => {
    ctx.print(listing((await ctx.client().listFlavors()).data, FLAVOR_COLUMNS));
  });
  act(addOutputOptions(catalog.command('networks').description('list the networks the project may attach')), io, async (ctx) => {
    ctx.print(listing((await ctx.client().listNetworks()).data, NETWORK_COLUMNS));
  });
}
