import type { Locale } from '../../common/i18n/localized.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';
import { IsLocale, LanguageListField } from '../../common/i18n/is-locale.js';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToNull = ({ value }: { value: unknown }) => (value === '' ? null : value);

export class BrandingDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(2, 120) name?: string;
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Transform(emptyToNull)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'validation.httpLink' })
  logoUrl?: string | null;
  @ApiPropertyOptional({ example: '#1f4e9c' })
  @IsOptional()
  @Transform(lower)
  @Matches(/^#[0-9a-f]{6}$/, { message: 'validation.colourFormat' })
  primaryColor?: string;
  @ApiPropertyOptional({ example: '#b3541e' })
  @IsOptional()
  @Transform(lower)
  @Matches(/^#[0-9a-f]{6}$/, { message: 'validation.colourFormat' })
  accentColor?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @Length(2, 120) senderName?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(lower) @IsEmail({}) senderEmail?: string;
  /** The languages the site is offered in (each an installed catalogue); at least one. */
  @LanguageListField('The languages the site is offered in (installed catalogues); at least one') languages?: Locale[];
  /** One of `languages` (the site's language when the visitor chose none, and the first fallback of content). */
  @ApiPropertyOptional({ type: String, example: 'fr' }) @IsOptional() @IsLocale() defaultLocale?: Locale;
  @ApiPropertyOptional({ example: 'Europe/Paris' }) @IsOptional() @IsString() timeZone?: string;
}

export class CreateTenantDto extends BrandingDto {
  @ApiProperty({
    example: 'lumiere',
    description: 'The authority’s address name: lower-case letters, digits and hyphens (served under /t/<slug>)',
    pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
  })
  @Transform(lower)
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'validation.slugFormat', context: { max: 63 } })
  slug: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsString({ each: true })
  @Transform(({ value }) => (Array.isArray(value) ? value.map((h) => String(h).trim().toLowerCase()) : value))
  @Matches(/^[a-z0-9.-]+(:\d+)?$/, { each: true, message: 'validation.hostFormat' })
  hosts?: string[];
  @ApiPropertyOptional() @IsOptional() @IsEmail() firstStaffEmail?: string;
}
