import type { Locale } from '../../common/i18n/localized.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IsLocale } from '../../common/i18n/is-locale.js';
import { ROLES } from '../user.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RequestLinkDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiPropertyOptional({ description: 'Path to open after signing in' }) @IsOptional() @IsString() @MaxLength(500) next?: string;
}

export class ConsumeLinkDto {
  @ApiProperty() @IsString() @Length(20, 200) token: string;
}

export class PasswordSignInDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiProperty() @IsString() @Length(1, 200, { message: 'validation.required' }) password: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) next?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) tokenName?: string;
}

export class InvitePersonDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 120) displayName: string;
  @ApiProperty({ enum: ROLES.filter((r) => r !== 'platform_admin') })
  @IsIn(ROLES.filter((r) => r !== 'platform_admin'))
  role: (typeof ROLES)[number];
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsUUID('all')
  programmeId?: string;
  @ApiPropertyOptional({ type: String, example: 'fr', description: 'One of the authority’s languages' }) @IsOptional() @IsLocale() locale?: Locale;
}

export class SetPasswordDto {
  @ApiProperty() @IsString() @Length(12, 200) password: string;
}

/** A person's own language (pages and e-mails): one of the authority's, or null to follow the site's. */
export class UpdateMeDto {
  @ApiPropertyOptional({ type: String, example: 'nl', nullable: true, description: 'One of the authority’s languages; null follows the site' })
  @Transform(({ value }: { value: unknown }) => (value === '' ? null : value))
  @IsOptional()
  @IsLocale()
  locale?: Locale | null;
}
