import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsLocalized } from '../../common/i18n/is-localized.js';
import { localizedDoc } from '../../common/i18n/localized-doc.js';
import type { Localized } from '../../common/i18n/localized.js';
import { QUESTION_KINDS } from '../domain/form.js';
import { RULE_MODES, RULE_OPERATORS, type RuleMode, type RuleOperator } from '../domain/rules.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class LabelledKeyDto {
  @ApiProperty() @Matches(/^[a-z0-9][a-z0-9_-]{0,40}$/, { message: 'validation.keyFormat' }) key: string;
  @ApiProperty(localizedDoc('Réemploi / réparation', 'Reuse / repair'))
  @IsLocalized({ required: true, maxLength: 200 })
  label: Localized;
}

export class CommuneDto {
  @ApiProperty() @Transform(trim) @IsString() @Length(1, 120) name: string;
  @ApiProperty() @Transform(trim) @Matches(/^[0-9A-Za-z -]{2,10}$/, { message: 'validation.postcode' }) postcode: string;
}

export class QuestionDto {
  @ApiProperty() @Matches(/^[a-z][a-z0-9_]{0,40}$/, { message: 'validation.keyFormatLetter' }) key: string;
  @ApiProperty({ enum: QUESTION_KINDS }) @IsIn(QUESTION_KINDS) kind: (typeof QUESTION_KINDS)[number];
  @ApiProperty(localizedDoc('Nombre de bénévoles', 'Number of volunteers'))
  @IsLocalized({ required: true, maxLength: 300 })
  label: Localized;
  @ApiPropertyOptional(localizedDoc('Une estimation suffit.', 'An estimate will do.'))
  @IsOptional()
  @IsLocalized({ maxLength: 1000 })
  help?: Localized;
  @ApiProperty() @IsBoolean() required: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(100_000) maxLength?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() min?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() max?: number;
  @ApiPropertyOptional({ type: [LabelledKeyDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => LabelledKeyDto)
  options?: LabelledKeyDto[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1024) @Max(20 * 1024 * 1024) maxSizeBytes?: number;
  @ApiPropertyOptional({ enum: ['pdf', 'image'], isArray: true }) @IsOptional() @IsArray() @IsIn(['pdf', 'image'], { each: true }) accept?: Array<
    'pdf' | 'image'
  >;
}

export class RuleConditionDto {
  @ApiProperty({ example: 'category', description: '`category`, or a question as `answers.<key>`' })
  @Matches(/^(category|answers\.[a-z][a-z0-9_]{0,40})$/, { message: 'validation.ruleField' })
  field: string;
  @ApiProperty({ example: 'business', description: 'An option key, `yes`/`no`, or a text' }) @Transform(trim) @IsString() @Length(1, 200) equals: string;
}

/** A rule on a question of the form: its field, operator and value, an optional condition, a message and a mode. */
export class QuestionRuleDto {
  @ApiPropertyOptional({ description: 'Kept from the call as read; made up when absent' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'validation.keyFormat' })
  id?: string;
  @ApiProperty({ example: 'answers.team_size' }) @Matches(/^answers\.[a-z][a-z0-9_]{0,40}$/, { message: 'validation.ruleField' }) field: string;
  @ApiProperty({ enum: RULE_OPERATORS }) @IsIn(RULE_OPERATORS) operator: RuleOperator;
  @ApiPropertyOptional({ description: 'A number (at_least, at_most, less_than, more_than), a text (equals), a list (one_of, none_of)' })
  @IsOptional()
  value?: string | number | string[];
  @ApiPropertyOptional({ type: RuleConditionDto }) @IsOptional() @ValidateNested() @Type(() => RuleConditionDto) when?: RuleConditionDto;
  @ApiProperty(localizedDoc('Il faut une équipe d’au moins deux personnes.', 'A team of at least two people is needed.'))
  @IsLocalized({ required: true, maxLength: 500 })
  message: Localized;
  @ApiProperty({ enum: RULE_MODES }) @IsIn(RULE_MODES) mode: RuleMode;
}

/** Which fixed rules only warn; absent means blocking. Consent is always blocking. */
export class RuleModesDto {
  @ApiPropertyOptional({ enum: RULE_MODES }) @IsOptional() @IsIn(RULE_MODES) territory?: RuleMode;
  @ApiPropertyOptional({ enum: RULE_MODES }) @IsOptional() @IsIn(RULE_MODES) goal?: RuleMode;
  @ApiPropertyOptional({ enum: RULE_MODES }) @IsOptional() @IsIn(RULE_MODES) category?: RuleMode;
  @ApiPropertyOptional({ enum: RULE_MODES }) @IsOptional() @IsIn(RULE_MODES) one_per_applicant?: RuleMode;
}

/** A call's eligibility rules on their own (the call builder's rules page). */
export class CallRulesDto {
  @ApiProperty({ type: RuleModesDto }) @ValidateNested() @Type(() => RuleModesDto) ruleModes: RuleModesDto;
  @ApiProperty({ type: [QuestionRuleDto] }) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => QuestionRuleDto) rules: QuestionRuleDto[];
}

export class CallDto {
  @ApiProperty(localizedDoc("L'appel à projets de la métropole…", 'The call for projects of the metropolis…'))
  @IsLocalized({ maxLength: 20_000 })
  text: Localized;
  @ApiProperty({ type: [LabelledKeyDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => LabelledKeyDto)
  categories: LabelledKeyDto[];
  @ApiProperty({ type: [CommuneDto], description: 'Communes of the territory; empty: no territorial rule.' })
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => CommuneDto)
  territory: CommuneDto[];
  @ApiProperty({ description: 'Minimum funding goal, in cents' }) @IsInt() @Min(0) @Max(1_000_000_000) goalMinCents: number;
  @ApiProperty({ description: 'Maximum funding goal, in cents' }) @IsInt() @Min(0) @Max(1_000_000_000) goalMaxCents: number;
  @ApiProperty({ example: '2026-05-31T23:59:59+02:00' })
  @IsISO8601({ strict: true, strictSeparator: true })
  deadline: string;
  @ApiProperty() @IsBoolean() onePerApplicant: boolean;
  @ApiProperty() @IsBoolean() allowEditAfterSubmit: boolean;
  @ApiProperty({ type: [QuestionDto] }) @IsArray() @ArrayMaxSize(60) @ValidateNested({ each: true }) @Type(() => QuestionDto) form: QuestionDto[];
  @ApiProperty({ example: 'MAK26' }) @Matches(/^[A-Za-z0-9]{2,6}$/, { message: 'validation.receiptPrefix' }) receiptPrefix: string;
  @ApiPropertyOptional({ type: RuleModesDto, description: 'Absent: the stored modes are kept' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RuleModesDto)
  ruleModes?: RuleModesDto;
  @ApiPropertyOptional({ type: [QuestionRuleDto], description: 'Absent: the stored rules are kept' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => QuestionRuleDto)
  rules?: QuestionRuleDto[];
}
