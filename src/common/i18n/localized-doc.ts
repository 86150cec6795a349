/** The Swagger description of a Localized field: an object of language: text. */
export function localizedDoc(fr: string, en: string, description?: string) {
  return {
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { fr, en },
    description: description ?? 'One text per language of the authority, e.g. { "fr": "…", "en": "…" }.',
  } as const;
}
