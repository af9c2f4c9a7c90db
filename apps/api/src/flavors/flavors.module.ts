import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CatalogModule } from '../catalog/catalog.module';
import { FlavorBootstrapService } from './flavor-bootstrap.service';
import { flavorsConfig } from './flavors.config';
import { FlavorsController } from './flavors.controller';
import { FlavorsService } from './flavors.service';

@Module({
  imports: [ConfigModule.forFeature(flavorsConfig), CatalogModule],
  controllers: [FlavorsController],
  providers: [FlavorBootstrapService, FlavorsService],
  exports: [FlavorBootstrapService],
})
export class FlavorsModule {}
