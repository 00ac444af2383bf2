/**
 * A campaign's results and survey answers as CSV, streamed: rows are read a page at a time
 * (by contact id) and written as they come, so a campaign of a million contacts is neither
 * held in memory nor in one query. For campaign managers, supervisors and admins.
 *
 *   results.csv  one row per contact: status, attempts, last outcome, disposition, the last
 *                attempt (when, agent), then the contact's own fields (one column each)
 *   survey.csv   one row per contact who answered: one column per question
 *
 * Both start with a UTF-8 BOM; `?locale=bs` (or the browser's Accept-Language, or `?sep=;`)
 * picks `;` and decimal commas for a spreadsheet set to a decimal-comma locale (src/http/csv.ts).
 */
import { Readable } from 'node:stream'
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { CAMPAIGN_READERS } from '../auth/access.js'
import type { Db } from '../db/database.js'
import { attempts, campaigns, contacts, surveyAnswers } from '../db/schema/index.js'
import { CSV_BOM, csvFormat, csvLine, type CsvFormat } from './csv.js'
import { sendError } from './errors.js'
import { errors, idParams } from './schemas.js'

const PAGE = 1000

const csv = { 200: { type: 'string', description: 'CSV (UTF-8 with BOM, comma or semicolon, CRLF), streamed' }, ...errors(400, 404) }

const formatQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    locale: { type: 'string', maxLength: 35, pattern: '^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$', description: 'The spreadsheet\'s locale (bs, ru-RU, pt-BR ...): a decimal-comma locale gets ; and 12,50' },
    sep: { type: 'string', enum: [',', ';'], description: 'The separator, over the locale: ; writes decimals with a comma' },
  },
} as const
type FormatQuery = { locale?: string; sep?: string }

/** Lines from `pages`, which yields arrays of rows until it is done. */
function csvStream(header: readonly unknown[], pages: () => AsyncGenerator<unknown[][]>, format: CsvFormat): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield CSV_BOM + csvLine(header, format)
    for await (const rows of pages()) yield rows.map((r) => csvLine(r, format)).join('')
  }
  return Readable.from(lines())
}

async function resultPages(db: Db, campaignId: number, fields: string[]): Promise<() => AsyncGenerator<unknown[][]>> {
  return async function* () {
    let after = 0
    for (;;) {
      const page = await db
        .select()
        .from(contacts)
        .where(and(eq(contacts.campaignId, campaignId), gt(contacts.id, after)))
        .orderBy(asc(contacts.id))
        .limit(PAGE)
      if (page.length === 0) return
      after = page[page.length - 1]!.id
      // The last attempt of each contact on the page.
      const last = await db
        .selectDistinctOn([attempts.contactId], { contactId: attempts.contactId, startedAt: attempts.startedAt, agentId: attempts.agentId, cause: attempts.cause })
        .from(attempts)
        .where(inArray(attempts.contactId, page.map((c) => c.id)))
        .orderBy(attempts.contactId, sql`${attempts.number} desc`)
      const byContact = new Map(last.map((a) => [a.contactId, a]))
      yield page.map((c) => {
        const a = byContact.get(c.id)
        return [c.id, c.phone, c.name, c.language, c.timezone, c.status, c.attempts, c.lastOutcome, c.disposition, a?.startedAt, a?.agentId, a?.cause, ...fields.map((f) => c.fields[f])]
      })
      if (page.length < PAGE) return
    }
  }
}

async function surveyPages(db: Db, campaignId: number, questions: string[]): Promise<() => AsyncGenerator<unknown[][]>> {
  return async function* () {
    let after = 0
    for (;;) {
      // A page of contacts who answered, then their answers.
      const people = await db
        .selectDistinct({ id: contacts.id, phone: contacts.phone, name: contacts.name })
        .from(surveyAnswers)
        .innerJoin(contacts, eq(contacts.id, surveyAnswers.contactId))
        .where(and(eq(surveyAnswers.campaignId, campaignId), gt(contacts.id, after)))
        .orderBy(asc(contacts.id))
        .limit(PAGE)
      if (people.length === 0) return
      after = people[people.length - 1]!.id
      const answers = await db
        .select({ contactId: surveyAnswers.contactId, question: surveyAnswers.question, answer: surveyAnswers.answer, at: surveyAnswers.answeredAt })
        .from(surveyAnswers)
        .where(and(eq(surveyAnswers.campaignId, campaignId), inArray(surveyAnswers.contactId, people.map((p) => p.id))))
      const byContact = new Map<number, { answers: Map<string, string>; at: Date }>()
      for (const a of answers) {
        const entry = byContact.get(a.contactId) ?? { answers: new Map<string, string>(), at: a.at }
        entry.answers.set(a.question, a.answer)
        if (a.at > entry.at) entry.at = a.at
        byContact.set(a.contactId, entry)
      }
      yield people.map((p) => {
        const e = byContact.get(p.id)
        return [p.id, p.phone, p.name, ...questions.map((q) => e?.answers.get(q)), e?.at]
      })
      if (people.length < PAGE) return
    }
  }
}

export async function exportRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  const config = { access: CAMPAIGN_READERS }

  const exists = async (id: number): Promise<boolean> => (await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id))).length > 0
  const sendCsv = (reply: FastifyReply, name: string, body: Readable): FastifyReply =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'private, no-store')
      .send(body)

  server.get<{ Params: { id: number }; Querystring: FormatQuery }>(
    '/campaigns/:id/results.csv',
    { config, schema: { summary: "A campaign's results: one row per contact, with the contact's fields", params: idParams, querystring: formatQuery, produces: ['text/csv'], response: csv } },
    async (req, reply) => {
      const id = req.params.id
      if (!(await exists(id))) return sendError(reply, 404, 'unknown-campaign', `there is no campaign ${id}`)
      const keys = await db.selectDistinct({ key: sql<string>`jsonb_object_keys(${contacts.fields})` }).from(contacts).where(eq(contacts.campaignId, id)).orderBy(sql`1`)
      const fields = keys.map((r) => r.key)
      const header = ['contact_id', 'phone', 'name', 'language', 'timezone', 'status', 'attempts', 'last_outcome', 'disposition', 'last_attempt_at', 'agent', 'cause', ...fields.map((f) => `field:${f}`)]
      return sendCsv(reply, `campaign-${id}-results.csv`, csvStream(header, await resultPages(db, id, fields), csvFormat(req.query, req.headers['accept-language'])))
    },
  )

  server.get<{ Params: { id: number }; Querystring: FormatQuery }>(
    '/campaigns/:id/survey.csv',
    { config, schema: { summary: "A survey's answers: one row per contact who answered, one column per question", params: idParams, querystring: formatQuery, produces: ['text/csv'], response: csv } },
    async (req, reply) => {
      const id = req.params.id
      if (!(await exists(id))) return sendError(reply, 404, 'unknown-campaign', `there is no campaign ${id}`)
      const questions = (await db.selectDistinct({ q: surveyAnswers.question }).from(surveyAnswers).where(eq(surveyAnswers.campaignId, id)).orderBy(surveyAnswers.question)).map((r) => r.q)
      return sendCsv(reply, `campaign-${id}-survey.csv`, csvStream(['contact_id', 'phone', 'name', ...questions, 'answered_at'], await surveyPages(db, id, questions), csvFormat(req.query, req.headers['accept-language'])))
    },
  )
}
