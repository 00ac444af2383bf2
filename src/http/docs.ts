/**
 * The OpenAPI document of the API, built from the routes' own schemas (@fastify/swagger),
 * at /docs/json (and /docs/yaml), browsable at /docs (@fastify/swagger-ui). Both are open:
 * they describe the API, they give no access to it.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { DOCS_PREFIX } from './authenticate.js'
import { API_ERROR } from './schemas.js'
import { SESSION_COOKIE } from './session-cookie.js'

export function registerDocs(server: FastifyInstance): void {
  server.addSchema(API_ERROR)
  void server.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'opencc HTTP API',
        version: '0.1.0',
        description:
          'Contact center: agents, queues, campaigns, dial lists, do-not-call, clients, the call register, recordings, flows. ' +
          'Log in with POST /auth/login; pages then send the session cookie, programs `Authorization: Bearer <token>`. ' +
          'Errors are `{error, message}` with a stable `error` slug.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'The token POST /auth/login answers.' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie POST /auth/login sets.' },
        },
      },
    },
    // Shared schemas keep their names (ApiError) in the document.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  })
  void server.register(swaggerUi, { routePrefix: DOCS_PREFIX })
}
