/** The jury's rules as plain functions: who reads what, how ballots become scores, who is selected. */
export * from './errors.js';
export * from './panel.js';
export * from './assignment.js';
export * from './methods/scored-criteria.js';
export * from './methods/favourites.js';
export * from './methods/borda-ranking.js';
export * from './methods/pairwise.js';
export * from './selection.js';
export * from './draw.js';
export * from './cut-off.js';
export * from './tally.js';
export * from './waiting-list.js';
