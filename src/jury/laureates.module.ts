import { Module } from '@nestjs/common';
import { LaureatesQuery } from './laureates.query.js';

/**
 * The jury's read API on its own, so that a module the jury itself imports (programmes, for "my space")
 * can use it without an import cycle. JuryModule re-exports it: other modules import JuryModule.
 */
@Module({ providers: [LaureatesQuery], exports: [LaureatesQuery] })
export class LaureatesModule {}
