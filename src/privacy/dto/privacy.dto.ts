import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLocale } from '../../common/i18n/is-locale.js';
import type { Locale } from '../../common/i18n/localized.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Anyone asks for a link to their data (`export`) or to ask for its erasure (`erasure`). */
export class PrivacyLinkDto {
  @ApiProperty({ example: 'camille@example.org' }) @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiProperty({ enum: ['export', 'erasure'] }) @IsIn(['export', 'erasure']) kind: 'export' | 'erasure';
  @ApiPropertyOptional({ example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}

export class RefuseRequestDto {
  @ApiProperty({ description: 'Why the request is refused, sent to the person' }) @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000) reason: string;
}
