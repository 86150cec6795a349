/**
 * One realistic example per main schema of the document (`components.schemas.<name>.examples`): one French
 * programme followed from its call to its campaigns, fixed ids, ISO instants, amounts in euro cents.
 * test/unit/openapi/examples.spec.ts validates each against its schema, so an example that drifts from the
 * code fails.
 */
const PROGRAMME = '0b7f3c2e-5d1a-4b8e-9f00-3c1d2e4f5a6b';
const APPLICATION = '5a3e1f2d-7c4b-4e9a-8d61-0f2b3c4d5e6a';
const APPLICANT = '9c1d2e3f-4a5b-4c6d-8e7f-1a2b3c4d5e6f';
const JUROR = '2f4e6d8c-1b3a-4c5d-9e7f-6a5b4c3d2e1f';
const MEMBER = '7e6d5c4b-3a2f-4e1d-8c9b-0a1f2e3d4c5b';
const CAMPAIGN = '3c5e7a9b-2d4f-4a6c-8e0b-1d3f5a7c9e2b';
const REWARD = '8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';
const PARTNER = '4d6f8a0c-3e5b-4c7d-9f1a-2b4d6f8a0c3e';
const MILESTONE = '6a8c0e2b-5d7f-4b9a-8c1e-3f5a7c9e1b4d';

const title = { fr: 'Un jardin partagé rue des Tanneurs', en: 'A shared garden on rue des Tanneurs' };
const summary = {
  fr: 'Transformer la friche derrière l’école en potager ouvert aux habitants du quartier.',
  en: 'Turning the waste ground behind the school into a vegetable garden open to the neighbourhood.',
};

const call = {
  programmeId: PROGRAMME,
  text: { fr: '<p>Vous habitez Lumière et vous avez un projet pour votre quartier ? Candidatez avant le 30 avril.</p>' },
  categories: [
    { key: 'environnement', label: { fr: 'Environnement', en: 'Environment' } },
    { key: 'solidarite', label: { fr: 'Solidarité', en: 'Solidarity' } },
  ],
  territory: [
    { name: 'Lumière', postcode: '59000' },
    { name: 'Lumière-Sud', postcode: '59010' },
  ],
  goalMinCents: 100_000,
  goalMaxCents: 1_500_000,
  deadline: '2026-04-30T21:59:59.000Z',
  onePerApplicant: true,
  allowEditAfterSubmit: false,
  form: [
    { key: 'beneficiaries', kind: 'number', label: { fr: 'Combien d’habitants en profiteront ?' }, required: true, min: 1 },
    { key: 'budget', kind: 'file', label: { fr: 'Budget prévisionnel' }, required: false, maxSizeBytes: 5_242_880, accept: ['pdf'] },
  ],
  receiptPrefix: 'LUM26',
  ruleModes: { territory: 'blocking', goal: 'blocking', category: 'advisory', one_per_applicant: 'blocking' },
  rules: [
    {
      id: 'r1',
      field: 'beneficiaries',
      operator: 'at_least',
      value: 10,
      message: { fr: 'Le projet doit profiter à au moins dix habitants.' },
      mode: 'advisory',
    },
  ],
};

const application = {
  id: APPLICATION,
  programmeId: PROGRAMME,
  status: 'submitted',
  screening: 'eligible',
  screeningReason: null,
  correctionUntil: null,
  correctionMessage: null,
  receiptNumber: 'LUM26-0042',
  submittedAt: '2026-04-18T14:32:05.000Z',
  title: title.fr,
  summary: summary.fr,
  category: 'environnement',
  goalCents: 450_000,
  commune: 'Lumière',
  postcode: '59000',
  applicantName: 'Camille Lefèvre',
  organisation: 'Association Les Jardins du Faubourg',
  email: 'camille.lefevre@example.fr',
  phone: '+33 6 12 34 56 78',
  consent: true,
  acceptedRulesVersion: 2,
  answers: { beneficiaries: 120, budget: null },
};

const image = {
  width: 1600,
  height: 900,
  variants: [
    {
      fileId: 'e1d2c3b4-a5f6-4e7d-8c9b-0a1b2c3d4e5f',
      path: 'c-3c5e7a9b-1600.webp',
      format: 'webp',
      contentType: 'image/webp',
      width: 1600,
      height: 900,
      bytes: 182_340,
    },
    {
      fileId: 'f2e3d4c5-b6a7-4f8e-9d0c-1b2c3d4e5f6a',
      path: 'c-3c5e7a9b-1600.jpg',
      format: 'jpeg',
      contentType: 'image/jpeg',
      width: 1600,
      height: 900,
      bytes: 264_118,
    },
  ],
};

const reward = {
  id: REWARD,
  title: { fr: 'Un panier de légumes', en: 'A basket of vegetables' },
  description: { fr: 'Un panier de la première récolte, à retirer au jardin en septembre.' },
  minAmountCents: 2_500,
  quantity: 100,
  remaining: 63,
  estimatedDelivery: '2026-09',
  matchEligible: true,
  soldOut: false,
};

const campaignFigures = {
  rewards: [reward],
  goalCents: 450_000,
  collectedCents: 287_500,
  matchedCents: 95_000,
  totalCents: 382_500,
  percentOfGoal: 85,
  contributions: 74,
  contributors: 69,
};

const campaignContent = {
  slug: 'jardin-partage-rue-des-tanneurs',
  status: 'live',
  title,
  summary,
  story: { fr: '<p>Depuis dix ans, la friche derrière l’école attend…</p>' },
  imageAlt: { fr: 'La friche au printemps, vue depuis la cour de l’école' },
  cover: image,
  gallery: [],
  faq: [{ question: { fr: 'Qui pourra jardiner ?' }, answer: { fr: 'Tous les habitants du quartier, sur inscription.' } }],
};

const milestone = {
  id: MILESTONE,
  key: 'atelier-budget',
  kind: 'session',
  title: { fr: 'Atelier : construire son budget', en: 'Workshop: building your budget' },
  description: { fr: 'Deux heures avec votre coach pour chiffrer le projet poste par poste.' },
  required: true,
  at: '2026-06-09T16:00:00.000Z',
  durationMinutes: 120,
  location: { kind: 'place', address: 'Maison des associations, 12 place de la Mairie, 59000 Lumière' },
  evidenceKind: null,
  status: 'validated',
  storedStatus: 'validated',
  evidence: null,
  submittedAt: null,
  feedback: 'Budget clair, bravo.',
  reviewedAt: '2026-06-10T08:15:00.000Z',
  attendance: 'present',
};

const contribution = {
  id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  campaignId: CAMPAIGN,
  status: 'confirmed',
  amountCents: 5_000,
  matchedCents: 5_000,
  rewardTierId: REWARD,
  anonymous: false,
  displayName: 'Jean D.',
  receiptNumber: 'LUM26-C-0318',
  createdAt: '2026-10-05T19:02:11.000Z',
  confirmedAt: '2026-10-05T19:03:40.000Z',
  expiresAt: '2026-10-05T19:32:11.000Z',
};

export const SCHEMA_EXAMPLES: Readonly<Record<string, unknown>> = {
  ProgrammeViewDto: {
    id: PROGRAMME,
    slug: 'tremplin-2026',
    title: { fr: 'Tremplin 2026 : vos projets pour Lumière', en: 'Tremplin 2026: your projects for Lumière' },
    summary: { fr: 'La Ville soutient les projets de ses habitants et double chaque euro donné.' },
    phase: 'call_open',
    phaseChangedAt: '2026-03-02T08:00:00.000Z',
    timeline: { call_open: '2026-03-02T08:00:00.000Z', screening: '2026-05-01T08:00:00.000Z', jury: '2026-05-20T08:00:00.000Z' },
    nextTransitionAt: '2026-05-01T08:00:00.000Z',
    blockedReasons: null,
  },
  Localized: title,
  CallView: call,
  ApplicationView: application,
  JuryView: {
    method: 'scored_criteria',
    settings: {
      criteria: [
        { id: 'impact', label: { fr: 'Impact pour le quartier', en: 'Impact on the neighbourhood' }, weight: 2, min: 0, max: 10 },
        { id: 'faisabilite', label: { fr: 'Faisabilité', en: 'Feasibility' }, weight: 1, min: 0, max: 10 },
      ],
      normalisation: 'none',
      quorum: 3,
      maxFavourites: 5,
      blindReview: false,
      jurorsPerApplication: null,
      laureates: 12,
      waitingList: 3,
      cutOff: null,
      cutOffZ: null,
      quotas: [{ dimension: 'category', group: 'solidarite', min: 3 }],
      tieBreakers: [{ key: 'impact', prefer: 'higher' }],
    },
    status: 'open',
    applicationIds: [APPLICATION],
    openedAt: '2026-05-20T08:00:00.000Z',
    closedAt: null,
    closedBy: null,
    confirmedAt: null,
    announcedAt: null,
  },
  MemberView: {
    id: MEMBER,
    userId: JUROR,
    displayName: 'Nadia Benali',
    email: 'nadia.benali@example.fr',
    organisation: 'Conseil de quartier Faubourg',
    weight: 1,
  },
  BallotView: {
    applicationId: APPLICATION,
    scores: { impact: 8, faisabilite: 7 },
    picked: false,
    rank: null,
    comment: 'Très ancré dans le quartier ; le budget des clôtures reste à préciser.',
    version: 3,
    updatedAt: '2026-05-27T18:45:12.000Z',
  },
  OutcomeView: {
    applicationId: APPLICATION,
    status: 'laureate',
    rank: 4,
    waitingPosition: null,
    score: 7.67,
    overridden: false,
    confirmedAt: '2026-06-03T10:00:00.000Z',
    withdrawnAt: null,
    withdrawnReason: null,
    withdrawnByLaureate: false,
    promotedAt: null,
    promotedFromPosition: null,
  },
  JuryResultsView: {
    method: 'scored_criteria',
    status: 'closed',
    confirmedAt: null,
    announcedAt: null,
    explanation: null,
    ranking: [
      {
        applicationId: APPLICATION,
        title: title.fr,
        receiptNumber: 'LUM26-0042',
        category: 'environnement',
        score: 7.67,
        rank: 4,
        position: 4,
        tied: false,
        tieSize: 1,
        tieBreaks: [],
        proposal: 'laureate',
        reason: 'rank',
        waitingListPosition: null,
        jurorCount: 3,
        contributions: [
          { jurorId: MEMBER, weight: 1, value: 7.67, figures: { impact: 8, faisabilite: 7 } },
          { jurorId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e', weight: 1, value: 8, figures: { impact: 8, faisabilite: 8 } },
          { jurorId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6f', weight: 1, value: 7.33, figures: { impact: 7, faisabilite: 8 } },
        ],
        method: null,
        selection: null,
      },
    ],
    unranked: [],
    ignored: [],
    proposal: { laureates: [APPLICATION], waitingList: [] },
    unmetQuotas: [],
    boundaryTies: [],
    draw: { seed: '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c', ties: [] },
    outcomes: [],
  },
  LaureateView: {
    id: 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f',
    applicationId: APPLICATION,
    userId: APPLICANT,
    displayName: 'Camille Lefèvre',
    title: title.fr,
    receiptNumber: 'LUM26-0042',
    coach: { userId: 'd5e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f8a', displayName: 'Paul Mercier', email: 'paul.mercier@example.fr' },
    remindersMuted: false,
  },
  MilestoneView: milestone,
  CampaignView: {
    ...campaignFigures,
    ...campaignContent,
    id: CAMPAIGN,
    programmeId: PROGRAMME,
    applicationId: APPLICATION,
    reviewComment: null,
    submittedAt: '2026-09-01T09:12:00.000Z',
    approvedAt: '2026-09-08T14:00:00.000Z',
    openedAt: '2026-09-15T08:00:00.000Z',
    closedAt: null,
    settledAt: null,
    pageViews: 2_318,
  },
  PublicCampaignView: {
    ...campaignFigures,
    ...campaignContent,
    id: CAMPAIGN,
    programmeSlug: 'tremplin-2026',
    hasImage: true,
    partners: [{ id: PARTNER, name: 'Crédit Coopératif des Flandres', logoUrl: null, logo: null }],
    window: { state: 'open', opensAt: '2026-09-15T08:00:00.000Z', closesAt: '2026-11-15T22:59:59.000Z', daysLeft: 41 },
    updates: [
      {
        id: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
        title: { fr: 'Les premières graines sont arrivées' },
        body: { fr: '<p>Merci à vous : 74 contributions en trois semaines !</p>' },
        createdAt: '2026-10-06T17:00:00.000Z',
      },
    ],
  },
  RewardView: reward,
  ContributionView: contribution,
  PartnerView: {
    id: PARTNER,
    name: 'Crédit Coopératif des Flandres',
    logoUrl: null,
    description: { fr: 'Banque coopérative régionale, partenaire des projets d’économie sociale et solidaire.' },
    expertise: ['finance', 'gestion'],
    themes: ['environnement', 'solidarite'],
    capacity: 3,
    matchFundingCents: 2_000_000,
    preferences: [APPLICATION],
  },
  MatchBudgetView: {
    id: 'e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b',
    partnerId: PARTNER,
    kind: 'ratio',
    scope: 'all',
    totalCents: 2_000_000,
    remainingCents: 1_905_000,
    grantCents: null,
    grantThresholdPercent: null,
    grantMinContributors: null,
  },
  PrivacyRequestView: {
    id: 'f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f7a8b9c',
    kind: 'export',
    status: 'done',
    email: 'camille.lefevre@example.fr',
    source: 'person',
    requestedAt: '2026-10-12T09:30:00.000Z',
    dueAt: '2026-11-12T09:30:00.000Z',
    handledAt: '2026-10-12T09:31:02.000Z',
    refusal: null,
    pseudonym: null,
    counts: null,
  },
};
