import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsLocalized } from '../../common/i18n/is-localized.js';
import type { Localized } from '../../common/i18n/localized.js';
import { LEGAL_BODY_MAX, RGAA_STATUSES, SETTINGS_TEXT_MAX } from '../domain/legal-settings.js';

/** The privacy settings (PUT replaces them: an absent text is saved empty); the retention periods are not written here. */
export class PrivacySettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) controllerName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) controllerAddress?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) dpoEmail?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) dpoAddress?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) publicationDirector?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) hostName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) hostAddress?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(SETTINGS_TEXT_MAX) hostContact?: string;
  @ApiPropertyOptional({ enum: RGAA_STATUSES }) @IsOptional() @IsIn(RGAA_STATUSES) rgaaStatus?: string;
  @ApiPropertyOptional({ description: 'YYYY-MM-DD' }) @IsOptional() @IsString() rgaaAuditDate?: string;
}

/** A new version of a legal page: its text per language (plain text, blank lines between paragraphs). */
export class LegalPageDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsLocalized({ required: true, maxLength: LEGAL_BODY_MAX })
  body: Localized;
}
