import type { Locale } from '../../common/i18n/localized.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsLocale, LanguageListField } from '../../common/i18n/is-locale.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** Hosts come as a list (API) or as one per line (the form). */
const hostList = ({ value }: { value: unknown }) => {
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  return Array.isArray(list) ? list.map((h) => String(h).trim().toLowerCase()).filter(Boolean) : list;
};

/** An authority's languages: the list it offers and its default (both among the installed catalogues). */
class AuthorityLanguagesDto {
  @LanguageListField('The languages the site is offered in (installed catalogues)') languages?: Locale[];
  @ApiPropertyOptional({ type: String, example: 'fr', description: 'The default language: one of `languages`' })
  @IsOptional()
  @IsLocale()
  defaultLanguage?: Locale;
  @ApiPropertyOptional({ type: String, example: 'fr', description: 'Shorthand for `languages: [language]` (and that default)' })
  @IsOptional()
  @IsLocale()
  language?: Locale;
}

export class CreateAuthorityDto extends AuthorityLanguagesDto {
  @ApiProperty({ example: 'lumiere' })
  @Transform(lower)
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'validation.slugFormat', context: { max: 63 } })
  slug: string;
  @ApiProperty({ example: 'Métropole de Lumière' }) @Transform(trim) @IsString() @Length(2, 120) name: string;
  @ApiPropertyOptional({ type: [String], example: ['financement.lumiere.fr'] })
  @IsOptional()
  @Transform(hostList)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  hosts?: string[];
  @ApiProperty({ description: 'The first staff member, invited by e-mail' })
  @Transform(lower)
  @IsEmail({})
  @MaxLength(254)
  staffEmail: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(1, 120) staffName?: string;
  @ApiPropertyOptional({ example: 'Europe/Paris' }) @IsOptional() @Transform(trim) @IsString() timeZone?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(2, 120) senderName?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(lower) @IsEmail({}) senderEmail?: string;
}

export class UpdateAuthorityDto extends AuthorityLanguagesDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(2, 120, { message: 'name must be 2 to 120 characters' }) name?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @Transform(hostList) @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) hosts?: string[];
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() timeZone?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(2, 120) senderName?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(lower) @IsEmail({}) senderEmail?: string;
}

export class PlatformLinkDto {
  @ApiProperty() @Transform(trim) @IsEmail({}) @MaxLength(254) email: string;
}
