/**
 * Flows: the inbound IVR flows and the campaign scripts this app runs (list, and one whole),
 * and a check of a flow document before it is deployed: POST /flows/validate with the flow
 * as JSON (or as YAML, Content-Type application/yaml) answers every problem, each naming its
 * node and field, as the app's own start-up check would (prompts included).
 */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { CAMPAIGN_READERS } from '../auth/access.js'
import type { FlowProblem } from '../ivr/flow/problems.js'
import { checkPrompts } from '../ivr/flow/prompts-check.js'
import type { Flow } from '../ivr/flow/schema.js'
import { parseSource } from '../ivr/flow/source.js'
import { validateFlow } from '../ivr/flow/validate.js'
import { sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']
/** A flow file is a few kilobytes; a megabyte is plenty. */
const FLOW_BODY_LIMIT = 1024 * 1024
const SOURCE = 'request'

type Kind = 'inbound' | 'script'

const flowSummary = looseObject({
  id: { type: 'string' },
  kind: { type: 'string', enum: ['inbound', 'script'] },
  description: { type: 'string' },
  numbers: { type: 'array', items: { type: 'string' } },
  languages: { type: 'array', items: { type: 'string' } },
  defaultLanguage: { type: 'string' },
  start: { type: 'string' },
  nodes: { type: 'integer', description: 'how many nodes' },
  source: { type: 'string' },
})

const problemSchema = looseObject({ node: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' }, prompt: { type: 'string' }, language: { type: 'string' } })

const summary = (flow: Flow, kind: Kind) => ({
  id: flow.id,
  kind,
  description: flow.description ?? '',
  numbers: flow.numbers,
  languages: flow.languages,
  defaultLanguage: flow.defaultLanguage,
  start: flow.start,
  nodes: Object.keys(flow.nodes).length,
  source: flow.source,
})

/** A problem as the API shows it: the file is the request, so it is left out. */
const shown = ({ file: _file, ...rest }: FlowProblem & { wav?: string }) => {
  const { wav: _wav, ...p } = rest
  return p
}

export async function flowRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const config = { access: CAMPAIGN_READERS }
  const all = (): Array<{ flow: Flow; kind: Kind }> => [...app.flows.map((flow) => ({ flow, kind: 'inbound' as const })), ...app.scripts.map((flow) => ({ flow, kind: 'script' as const }))]

  server.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: FLOW_BODY_LIMIT }, (_req, body, done) => done(null, { yaml: body }))

  server.get('/flows', { config, schema: { summary: 'The inbound flows and campaign scripts this app runs', response: { 200: looseObject({ flows: { type: 'array', items: flowSummary } }) } } }, async () => ({
    flows: all().map(({ flow, kind }) => summary(flow, kind)),
  }))

  server.get<{ Params: { id: string } }>(
    '/flows/:id',
    {
      config,
      schema: {
        summary: 'One flow or script, whole',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } },
        response: { 200: looseObject({ kind: { type: 'string' }, flow: looseObject() }), ...errors(404) },
      },
    },
    async (req, reply) => {
      const found = all().find((f) => f.flow.id === req.params.id)
      return found ? { kind: found.kind, flow: found.flow } : sendError(reply, 404, 'unknown-flow', `there is no flow or script '${req.params.id}'`)
    },
  )

  server.post<{ Body: unknown; Querystring: { kind: Kind } }>(
    '/flows/validate',
    {
      config,
      bodyLimit: FLOW_BODY_LIMIT,
      schema: {
        summary: 'Check a flow document (JSON, or YAML with Content-Type application/yaml): every problem, naming its node and field',
        querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: ['inbound', 'script'], default: 'inbound' } } },
        body: { type: 'object', description: 'the flow, as in flows/*.yaml (see docs/FLOWS.md)' },
        response: {
          200: looseObject({ valid: { type: 'boolean' }, flow: flowSummary, problems: { type: 'array', items: problemSchema } }, 'valid: false with the problems; valid: true with the flow read'),
          ...errors(400, 413, 415),
        },
      },
    },
    async (req) => {
      const kind = req.query.kind
      const body = req.body as Record<string, unknown>
      const yaml = typeof body.yaml === 'string' && Object.keys(body).length === 1 && req.headers['content-type'] !== undefined && !req.headers['content-type'].includes('json') ? body.yaml : undefined
      const parsed = yaml !== undefined ? parseSource(yaml, `${SOURCE}.yaml`) : { data: body, problems: [] }
      if (parsed.data === undefined) return { valid: false, problems: parsed.problems.map(shown) }
      const { flow, problems } = validateFlow(parsed.data, SOURCE)
      const found: FlowProblem[] = [...parsed.problems, ...problems]
      if (flow) {
        if (kind === 'inbound' && flow.numbers.length === 0) found.push({ file: SOURCE, field: 'numbers', message: 'an inbound flow needs at least one number it answers' })
        if (kind === 'script' && flow.numbers.length > 0) found.push({ file: SOURCE, field: 'numbers', message: 'a campaign script answers no numbers: the dialer runs it on the calls it makes' })
        found.push(...(await checkPrompts(flow, app.config.promptsDir)))
      }
      if (found.length > 0 || !flow) return { valid: false, problems: found.map(shown) }
      return { valid: true, flow: summary(flow, kind), problems: [] }
    },
  )
}
