import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/*
 * Tallies of confirmed contributions, kept by a trigger on `contribution` (migration
 * ContributionTallies1796240000000) in the transaction of every change, so that the results report reads
 * a few hundred rows whatever the number of contributions. "Kept": confirmed. "Reached": confirmed, or
 * confirmed then refunded (what a campaign reached before its refunds). People are counted by a hash of
 * their e-mail key (md5 as a uuid: no address is stored here, and an erasure moves the counts to the
 * pseudonym's hash).
 */

const bigint = { to: (v: number) => v, from: (v: string) => Number(v) };

@Entity('contribution_tally_campaign')
@Index('contribution_tally_campaign_programme_idx', ['programmeId'])
export class ContributionTallyCampaign {
  @PrimaryColumn('uuid') campaignId: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('bigint', { default: 0, transformer: bigint }) keptCents: number;
  @Column('int', { default: 0 }) keptCount: number;
  @Column('int', { default: 0 }) keptPeople: number;
  @Column('bigint', { default: 0, transformer: bigint }) reachedCents: number;
  @Column('int', { default: 0 }) reachedCount: number;
  @Column('int', { default: 0 }) reachedPeople: number;
}

/** One person's contributions to one campaign: tells when they become (or stop being) a contributor. */
@Entity('contribution_tally_person')
export class ContributionTallyPerson {
  @PrimaryColumn('uuid') campaignId: string;
  @PrimaryColumn('uuid') personHash: string;
  @Column('int', { default: 0 }) keptCount: number;
  @Column('int', { default: 0 }) reachedCount: number;
}

/** One person's contributions across the programme: the programme's distinct contributors are its rows. */
@Entity('contribution_tally_programme_person')
export class ContributionTallyProgrammePerson {
  @PrimaryColumn('uuid') programmeId: string;
  @PrimaryColumn('uuid') personHash: string;
  @Column('int', { default: 0 }) keptCount: number;
  @Column('int', { default: 0 }) reachedCount: number;
}

/**
 * The programme's distinct contributors, counted in stripes: a deferred trigger on the rows above adds
 * one when a person becomes a contributor and takes one back when they stop, inside COMMIT, in a stripe
 * chosen by the connection (`pg_backend_pid() % 16`; see migration ProgrammePeopleStripes1796270000000).
 * The count is the sum of the stripes (one stripe alone may be negative).
 */
@Entity('contribution_tally_programme_stripe')
export class ContributionTallyProgrammeStripe {
  @PrimaryColumn('uuid') programmeId: string;
  @PrimaryColumn('smallint') stripe: number;
  @Column('int', { default: 0 }) keptPeople: number;
  @Column('int', { default: 0 }) reachedPeople: number;
}

/** Kept money per campaign and local day (in the authority's time zone at the time of confirmation). */
@Entity('contribution_tally_day')
@Index('contribution_tally_day_programme_idx', ['programmeId', 'timeZone'])
export class ContributionTallyDay {
  @PrimaryColumn('uuid') campaignId: string;
  @PrimaryColumn('text') timeZone: string;
  @PrimaryColumn('date') day: string;
  @Column('uuid') programmeId: string;
  @Column('bigint', { default: 0, transformer: bigint }) keptCents: number;
  @Column('int', { default: 0 }) keptCount: number;
}

export const CONTRIBUTION_TALLY_ENTITIES = [
  ContributionTallyCampaign,
  ContributionTallyPerson,
  ContributionTallyProgrammePerson,
  ContributionTallyProgrammeStripe,
  ContributionTallyDay,
];
