import { Global, Module } from '@nestjs/common';
import { TransactionRunner } from './db/transaction.js';
import { ViewService } from './web/view.service.js';

@Global()
@Module({ providers: [TransactionRunner, ViewService], exports: [TransactionRunner, ViewService] })
export class CommonModule {}
