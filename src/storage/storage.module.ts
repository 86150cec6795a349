import { Global, Module } from '@nestjs/common';
import { FileStorage, PostgresFileStorage } from './file-storage.js';

@Global()
@Module({ providers: [{ provide: FileStorage, useClass: PostgresFileStorage }], exports: [FileStorage] })
export class StorageModule {}
