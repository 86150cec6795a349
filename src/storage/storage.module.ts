import { StoragePersonalData } from './storage.personal-data.js';
import { Global, Module } from '@nestjs/common';
import { FileStorage, PostgresFileStorage } from './file-storage.js';
import { ImagesController } from './images.controller.js';
import { ImagePipeline } from './images.js';

@Global()
@Module({
  controllers: [ImagesController],
  providers: [StoragePersonalData, { provide: FileStorage, useClass: PostgresFileStorage }, ImagePipeline],
  exports: [StoragePersonalData, FileStorage, ImagePipeline],
})
export class StorageModule {}
