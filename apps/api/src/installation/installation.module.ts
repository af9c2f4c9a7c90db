import { Module } from '@nestjs/common';
import { InstallationService } from './installation.service';

/** The installation's identity, for the engine (VM tags) and the readiness probe. */
@Module({
  providers: [InstallationService],
  exports: [InstallationService],
})
export class InstallationModule {}
