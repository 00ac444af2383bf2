/**
 * JSON-schema pieces the routes share. The error shape is one shared schema (`ApiError#`),
 * so the OpenAPI document has it once; response schemas document, they do not filter what is
 * sent (server.ts serialises with JSON.stringify).
 */
export const API_ERROR = {
  $id: 'ApiError',
  type: 'object',
  description: 'What every refusal and failure answers: a stable slug for programs and a sentence for people.',
  required: ['error', 'message'],
  properties: { error: { type: 'string', example: 'bad-request' }, message: { type: 'string' } },
} as const

export const errorRef = { $ref: 'ApiError#' } as const

/** Responses of the given error statuses, all in the error shape. */
export function errors(...statuses: number[]): Record<number, typeof errorRef> {
  return Object.fromEntries(statuses.map((s) => [s, errorRef]))
}

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
} as const

export const pageProperties = {
  offset: { type: 'integer', minimum: 0, default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
} as const

/** An object whose listed properties are documented; others may be there too. */
export const looseObject = (properties: Record<string, unknown> = {}, description?: string) =>
  ({ type: 'object', additionalProperties: true, properties, ...(description ? { description } : {}) }) as const
