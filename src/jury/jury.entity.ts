import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Application } from '../applications/application.entity.js';
import { User } from '../auth/user.entity.js';
import { Programme } from '../programmes/programme.entity.js';
import type { JuryMethod } from './domain/index.js';
import type { JurySettings } from './jury.settings.js';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

export type VoteStatus = 'setup' | 'open' | 'closed';

/**
 * A programme's jury: its method and options, and where the vote stands. One per programme; the
 * settings are frozen once the vote opens, so every ballot is read with the rules it was cast under.
 */
@Entity('jury')
@Index('jury_programme_key', ['tenantId', 'programmeId'], { unique: true })
@Check('jury_method', `method IN ('scored_criteria', 'favourites', 'borda', 'pairwise')`)
@Check('jury_status', `status IN ('setup', 'open', 'closed')`)
@Check('jury_open_before_close', `(status = 'setup') OR (opened_at IS NOT NULL)`)
@Check('jury_closed_at', `(status = 'closed') = (closed_at IS NOT NULL)`)
export class Jury {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'jury_programme_fk' })
  private programmeRef?: Programme;
  @Column('text', { default: 'favourites' }) method: JuryMethod;
  @Column('jsonb', { default: {} }) settings: JurySettings;
  @Column('text', { default: 'setup' }) status: VoteStatus;
  /** The eligible applications when the vote opened: the candidates, whatever screening does later. */
  @Column('jsonb', { default: [] }) applicationIds: string[];
  @Column('timestamptz', { nullable: true }) openedAt: Date | null;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
  /** 'staff' or 'phase' (the programme left the jury phase). */
  @Column('text', { nullable: true }) closedBy: string | null;
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  @Column('timestamptz', { nullable: true }) announcedAt: Date | null;
  /** The seed of the last-resort tie-break draw (src/jury/domain/draw.ts), drawn when the vote closes. */
  @Column('text', { nullable: true }) drawSeed: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A person on a programme's jury, with the organisation they speak for and the weight of their ballots. */
@Entity('jury_member')
@Index('jury_member_user_key', ['tenantId', 'programmeId', 'userId'], { unique: true })
@Check('jury_member_weight', 'weight > 0')
export class JuryMember {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'jury_member_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') userId: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'jury_member_user_fk' })
  private userRef?: User;
  @Column('text') displayName: string;
  @Column('text') email: string;
  @Column('text', { default: '' }) organisation: string;
  @Column('numeric', { precision: 8, scale: 3, default: 1, transformer: numeric }) weight: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A juror's declared conflict of interest: the application leaves their list and never counts for them. */
@Entity('jury_conflict')
@Index('jury_conflict_pair_key', ['memberId', 'applicationId'], { unique: true })
@Index('jury_conflict_tenant_programme_idx', ['tenantId', 'programmeId'])
export class JuryConflict {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') memberId: string;
  @ManyToOne(() => JuryMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'jury_conflict_member_fk' })
  private memberRef?: JuryMember;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'jury_conflict_application_fk' })
  private applicationRef?: Application;
  @Column('text', { default: '' }) reason: string;
  /** The juror, or the staff member who recorded it for them. */
  @Column('uuid') declaredBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Who reads what, computed when the vote opens (src/jury/domain/assignment.ts). */
@Entity('jury_assignment')
@Index('jury_assignment_pair_key', ['memberId', 'applicationId'], { unique: true })
@Index('jury_assignment_tenant_programme_idx', ['tenantId', 'programmeId'])
export class JuryAssignment {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') memberId: string;
  @ManyToOne(() => JuryMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'jury_assignment_member_fk' })
  private memberRef?: JuryMember;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'jury_assignment_application_fk' })
  private applicationRef?: Application;
}

/**
 * A juror's current ballot on one application, whatever the method: criterion scores, a favourite
 * pick, or a position in their ranking. Every change is also written to `jury_ballot_event`.
 */
@Entity('jury_ballot')
@Index('jury_ballot_pair_key', ['memberId', 'applicationId'], { unique: true })
@Index('jury_ballot_tenant_programme_idx', ['tenantId', 'programmeId'])
@Check('jury_ballot_rank', 'rank IS NULL OR rank >= 1')
@Check('jury_ballot_version', 'version >= 1')
export class JuryBallot {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') memberId: string;
  @ManyToOne(() => JuryMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'jury_ballot_member_fk' })
  private memberRef?: JuryMember;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'jury_ballot_application_fk' })
  private applicationRef?: Application;
  @Column('jsonb', { nullable: true }) scores: Record<string, number> | null;
  @Column('boolean', { default: false }) picked: boolean;
  @Column('int', { nullable: true }) rank: number | null;
  /** The juror's comment for staff (in the evaluation export); private notes live in jury_note. */
  @Column('text', { default: '' }) comment: string;
  @Column('int', { default: 1 }) version: number;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** One pairwise comparison: the juror preferred `winnerId`. The pair is stored in id order (first < second). */
@Entity('jury_comparison')
@Index('jury_comparison_pair_key', ['memberId', 'firstId', 'secondId'], { unique: true })
@Index('jury_comparison_tenant_programme_idx', ['tenantId', 'programmeId'])
@Check('jury_comparison_order', 'first_id < second_id')
@Check('jury_comparison_winner', 'winner_id = first_id OR winner_id = second_id')
export class JuryComparison {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') memberId: string;
  @ManyToOne(() => JuryMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'jury_comparison_member_fk' })
  private memberRef?: JuryMember;
  @Column('uuid') firstId: string;
  @Column('uuid') secondId: string;
  @Column('uuid') winnerId: string;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Append-only history of ballots (a trigger refuses UPDATE and DELETE). */
@Entity('jury_ballot_event')
@Index('jury_ballot_event_tenant_programme_idx', ['tenantId', 'programmeId', 'at'])
export class JuryBallotEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'jury_ballot_event_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') memberId: string;
  @Column('uuid', { nullable: true }) applicationId: string | null;
  /** scores, pick, unpick, ranking, comparison, withdrawn_for_conflict. */
  @Column('text') kind: string;
  @Column('jsonb', { default: {} }) data: Record<string, unknown>;
  @Column('timestamptz') at: Date;
}

/** A juror's private note on an application: never shown to anyone else, never exported. */
@Entity('jury_note')
@Index('jury_note_pair_key', ['memberId', 'applicationId'], { unique: true })
export class JuryNote {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') memberId: string;
  @ManyToOne(() => JuryMember, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'jury_note_member_fk' })
  private memberRef?: JuryMember;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'jury_note_application_fk' })
  private applicationRef?: Application;
  @Column('text') body: string;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** The confirmed outcome for each candidate application (the application row itself is left alone). */
@Entity('jury_outcome')
@Index('jury_outcome_application_key', ['applicationId'], { unique: true })
@Index('jury_outcome_tenant_programme_idx', ['tenantId', 'programmeId', 'status'])
@Check('jury_outcome_status', `status IN ('laureate', 'waiting', 'not_selected', 'withdrawn')`)
@Check('jury_outcome_withdrawn', `(status = 'withdrawn') = (withdrawn_at IS NOT NULL)`)
@Check('jury_outcome_waiting', `(status = 'waiting') = (waiting_position IS NOT NULL)`)
export class JuryOutcome {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'jury_outcome_programme_fk' })
  private programmeRef?: Programme;
  @Column('uuid') applicationId: string;
  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id', foreignKeyConstraintName: 'jury_outcome_application_fk' })
  private applicationRef?: Application;
  @Column('text') status: 'laureate' | 'waiting' | 'not_selected' | 'withdrawn';
  /** Position in the jury's ranking (null: not ranked, e.g. below quorum). */
  @Column('int', { nullable: true }) rank: number | null;
  @Column('int', { nullable: true }) waitingPosition: number | null;
  @Column('double precision', { nullable: true }) score: number | null;
  /** True when staff departed from the proposal (the justification is in the audit log too). */
  @Column('boolean', { default: false }) overridden: boolean;
  @Column('uuid') confirmedBy: string;
  @Column('timestamptz') confirmedAt: Date;
  /** A laureate withdrawn before the campaign: when, why, who recorded it, and whether it was their own decision. */
  @Column('timestamptz', { nullable: true }) withdrawnAt: Date | null;
  @Column('text', { nullable: true }) withdrawnReason: string | null;
  @Column('uuid', { nullable: true }) withdrawnBy: string | null;
  @Column('boolean', { default: false }) withdrawnByLaureate: boolean;
  /** Promoted from the waiting list (its old position kept here; the others' positions are not renumbered). */
  @Column('timestamptz', { nullable: true }) promotedAt: Date | null;
  @Column('uuid', { nullable: true }) promotedBy: string | null;
  @Column('int', { nullable: true }) promotedFromPosition: number | null;
}
