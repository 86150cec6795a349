import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Programme } from '../programmes/programme.entity.js';
import type { Localized } from '../common/i18n/localized.js';
import type { RuleModes } from './domain/eligibility.js';
import type { Question } from './domain/form.js';
import type { QuestionRule } from './domain/rules.js';

/** A category of the call: its key (stored on applications) and its label per language. */
export interface CallCategory {
  key: string;
  label: Localized;
}

/** The call for projects of a programme: its text, rules and application form. */
@Entity('call')
@Index('call_tenant_programme_key', ['tenantId', 'programmeId'], { unique: true })
@Check('call_goal_bounds', 'goal_min_cents >= 0 AND goal_max_cents >= goal_min_cents')
export class Call {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'call_programme_fk' })
  private programmeRef?: Programme;
  /** The call's text, per language. */
  @Column('jsonb', { default: {} }) text: Localized;
  @Column('jsonb', { default: [] }) categories: CallCategory[];
  @Column('jsonb', { default: [] }) territory: Array<{ name: string; postcode: string }>;
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) goalMinCents: number;
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) goalMaxCents: number;
  @Column('timestamptz') deadline: Date;
  @Column('boolean', { default: true }) onePerApplicant: boolean;
  @Column('boolean', { default: true }) allowEditAfterSubmit: boolean;
  @Column('jsonb', { default: [] }) form: Question[];
  /** Which fixed rules only warn (absent: blocking). */
  @Column('jsonb', { default: {} }) ruleModes: RuleModes;
  /** Eligibility rules written on the form's questions, in the order staff listed them. */
  @Column('jsonb', { default: [] }) rules: QuestionRule[];
  /** Prefix of receipt numbers, e.g. MAK26 → MAK26-00042. */
  @Column('text') receiptPrefix: string;
  /** Last receipt number handed out; incremented in the submitting transaction. */
  @Column('int', { default: 0 }) receiptSeq: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
