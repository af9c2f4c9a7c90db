import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { catalogConfig } from './catalog.config';
import { ImagesController } from './images.controller';
import { LaunchCatalogController } from './launch-catalog.controller';
import { LoadBalancersController } from './load-balancers.controller';
import { NetworksController } from './networks.controller';
import { CatalogService } from './catalog.service';
import { QuotasController } from './quotas.controller';

@Module({
  imports: [ConfigModule.forFeature(catalogConfig)],
  controllers: [ImagesController, NetworksController, LaunchCatalogController, QuotasController, LoadBalancersController],
  providers: [CatalogService],
  exports: [CatalogService],
})
export class CatalogModule {}
