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

/**
 * Where a request holds a NUL character (path parameter, query or JSON body), or undefined.
 * PostgreSQL text cannot hold one, and no name, number or reason needs it: such a request is
 * refused as a whole (400) before any route reads it.
 */
export function nulIn(parts: { params: unknown; query: unknown; body: unknown }): string | undefined {
  const walk = (value: unknown, where: string, depth: number): string | undefined => {
    if (typeof value === 'string') return value.includes('\0') ? where : undefined
    if (depth > 32 || value === null || typeof value !== 'object') return undefined
    // Streams (a CSV upload) and buffers are not walked: they are read by their own route.
    if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return undefined
    for (const [key, v] of Object.entries(value)) {
      if (key.includes('\0')) return `${where}/${key.replace(/\0/g, '\\0')}`
      const found = walk(v, `${where}/${key}`, depth + 1)
      if (found) return found
    }
    return undefined
  }
  return walk(parts.params, 'params', 0) ?? walk(parts.query, 'querystring', 0) ?? walk(parts.body, 'body', 0)
}
