import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { catalogConfig } from './catalog.config';
import { ImagesController } from './images.controller';
import { LaunchCatalogController } from './launch-catalog.controller';
import { NetworksController } from './networks.controller';
import { CatalogService } from './catalog.service';

@Module({
  imports: [ConfigModule.forFeature(catalogConfig)],
  controllers: [ImagesController, NetworksController, LaunchCatalogController],
  providers: [CatalogService],
  exports: [CatalogService],
})
export class CatalogModule {}
