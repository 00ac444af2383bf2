/**
 * Reports on why clients call, for supervisors and admins (src/reports):
 *
 *   GET /reports/reasons?from=YYYY-MM-DD&to=YYYY-MM-DD&by=hour|day|week|month
 *        &group=queue|agent|ivr|clientType|campaign|reason[&tz=Europe/Sarajevo][&format=csv[&locale=bs|&sep=;]|xlsx]
 *
 * `from` and `to` are whole local days in the center's time zone (the default country's,
 * config DEFAULT_COUNTRY, or `tz`); the default is the last 7 days. JSON has the periods of
 * the range (the chart's axis, empty ones too), a row per period and group, and per group the
 * calls by outcome, disposition and reason; CSV has the rows (UTF-8 BOM, `;` and decimal
 * commas for a decimal-comma locale, src/http/csv.ts); XLSX has the rows and the breakdown as
 * numbers (src/reports/xlsx.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { SUPERVISORS } from '../auth/access.js'
import { countryTimeZone, canonicalTimeZone } from '../lists/timezones.js'
import { localTime } from '../ivr/hours.js'
import { bucketsBetween, isDate, MAX_BUCKETS, PERIODS, type Period } from '../reports/buckets.js'
import { reportWorkbook } from '../reports/xlsx.js'
import { GROUPS, reasonsReport, type Group, type ReportRow } from '../reports/reasons-query.js'
import { CSV_BOM, csvFormat, csvLine } from './csv.js'
import { sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

type Query = { from?: string; to?: string; by: Period; group: Group; tz?: string; format: 'json' | 'csv' | 'xlsx'; locale?: string; sep?: string }

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const
const DEFAULT_DAYS = 7

/** The center's time zone: its country's (DEFAULT_COUNTRY), UTC when the country spans several. */
export const centerTimeZone = (country: string): string => countryTimeZone(country).zone ?? 'UTC'

const addDays = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

export const CSV_HEADER = ['period', 'group', 'offered', 'answered', 'abandoned', 'service_level', 'average_wait_s', 'average_handling_s', 'talk_s', 'talk_share'] as const
const seconds = (ms: number | null): string | null => (ms === null ? null : (ms / 1000).toFixed(1))
const ratio = (r: number | null): string | null => (r === null ? null : r.toFixed(3))
export const csvCells = (r: ReportRow): unknown[] => [r.period, r.group, r.offered, r.answered, r.abandoned, ratio(r.serviceLevel), seconds(r.averageWaitMs), seconds(r.averageHandlingMs), seconds(r.talkMs), ratio(r.talkShare)]

export async function reportRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database

  server.get<{ Querystring: Query }>(
    '/reports/reasons',
    {
      config: { access: SUPERVISORS },
      schema: {
        summary: 'Why clients called and what came of it, by period and by queue, agent, IVR choice, client type, campaign or call reason',
        description:
          'Periods are local to the center\'s time zone (a day is a local day; weeks start on Monday). `from`/`to` are whole local days (default: the last 7). `format=csv` sends the rows as CSV (UTF-8 with BOM; `locale`/`sep` as the other exports); `format=xlsx` as an Excel workbook (rows and breakdown).',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: date,
            to: date,
            by: { type: 'string', enum: [...PERIODS], default: 'day' },
            group: { type: 'string', enum: [...GROUPS], default: 'reason' },
            tz: { type: 'string', maxLength: 64, description: 'an IANA time zone, over the center\'s' },
            format: { type: 'string', enum: ['json', 'csv', 'xlsx'], default: 'json' },
            locale: { type: 'string', maxLength: 35, pattern: '^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$' },
            sep: { type: 'string', enum: [',', ';'] },
          },
        },
        response: { 200: looseObject({ periods: { type: 'array', items: { type: 'string' } }, rows: { type: 'array' }, breakdown: { type: 'array' } }), ...errors(400) },
      },
    },
    async (req, reply) => {
      const q = req.query
      const timeZone = q.tz === undefined ? centerTimeZone(app.config.defaultCountry) : canonicalTimeZone(q.tz)
      if (!timeZone) return sendError(reply, 400, 'bad-request', `tz: '${q.tz}' is not a time zone (such as Europe/Sarajevo)`)
      const today = localTime(new Date(app.clock.now()), timeZone).date
      const to = q.to ?? (q.from && q.from > today ? q.from : today)
      const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1))
      for (const [field, value] of [['from', from], ['to', to]] as const) {
        if (!isDate(value)) return sendError(reply, 400, 'bad-request', `${field}: ${value} is not a date that exists (YYYY-MM-DD)`)
      }
      if (from > to) return sendError(reply, 400, 'bad-request', `from: ${from} is after to (${to})`)
      const periods = bucketsBetween(from, to, q.by, timeZone)
      if (periods.length > MAX_BUCKETS) return sendError(reply, 400, 'bad-request', `to: ${from} to ${to} by ${q.by} is more than ${MAX_BUCKETS} periods; take a longer period or a shorter range`)
      const thresholds = Object.fromEntries((app.queues?.settings ?? []).map((s) => [s.name, s.serviceLevelSeconds]))
      const report = await reasonsReport(db, { from, to, by: q.by, group: q.group, timeZone, thresholds })
      if (q.format === 'csv') {
        const format = csvFormat(q, req.headers['accept-language'])
        const body = CSV_BOM + csvLine(CSV_HEADER, format) + report.rows.map((r) => csvLine(csvCells(r), format)).join('')
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="reasons-${q.group}-${q.by}-${from}-${to}.csv"`)
          .send(body)
      }
      if (q.format === 'xlsx') {
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="reasons-${q.group}-${q.by}-${from}-${to}.xlsx"`)
          .send(await reportWorkbook(report, { group: q.group, by: q.by, from, to, timeZone }))
      }
      const groups = [...new Set(report.rows.map((r) => r.group))].sort()
      return { from, to, by: q.by, group: q.group, timeZone, periods, groups, rows: report.rows, breakdown: report.breakdown }
    },
  )
}
