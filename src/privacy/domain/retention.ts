// The retention rules live in common (every module's holder reads them); privacy re-exports them.
export * from '../../common/privacy/retention.js';
