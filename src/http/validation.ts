/**
 * How requests are checked against the routes' JSON schemas. Path parameters and query
 * strings are text by nature, so they are coerced ('7' is the integer 7); JSON bodies are
 * not: `{"reason": 5}` is a wrong type and answers 400 naming body/reason, and a property the
 * schema does not know (with additionalProperties: false) is refused, not silently dropped.
 * Both compilers are fastify's own (@fastify/ajv-compiler), with its defaults otherwise.
 */
import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler'
import type { FastifySchemaValidationError } from 'fastify'

// At run time fastify hands the compiler a route definition ({ schema, httpPart, url, method });
// the package's types say otherwise, so the pool is typed here as it behaves.
type RouteDefinition = { httpPart?: string; [key: string]: unknown }
type Options = { customOptions?: Record<string, unknown>; [key: string]: unknown }
type Pool = (externalSchemas: Record<string, unknown>, options?: Options) => (route: RouteDefinition) => unknown

export function validatorFactory(): ValidatorFactory {
  const pool = AjvCompiler() as unknown as Pool
  const factory: Pool = (externalSchemas, options) => {
    const custom = options?.customOptions ?? {}
    const coercing = pool(externalSchemas, { ...options, customOptions: custom })
    const strict = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false, removeAdditional: false } })
    return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route))
  }
  return factory as unknown as ValidatorFactory
}

/**
 * fastify's wording ('body/reason must be string'), with the name of a property that is not
 * allowed or missing spelled out, so the message always names the field.
 */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const text = errors.map((e) => {
    const where = `${dataVar}${e.instancePath ?? ''}`
    const extra = e.keyword === 'additionalProperties' ? `: '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : ''
    return `${where} ${e.message ?? 'is not valid'}${extra}`
  })
  return new Error(text.join(', '))
}
