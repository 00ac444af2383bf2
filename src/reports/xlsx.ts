/**
 * A reasons report as an Excel workbook (exceljs: maintained, writes real .xlsx without a
 * native build). Figures are numbers with number formats, not text, so they sort and sum
 * in the spreadsheet whatever its locale's decimal mark; ratios are formatted as percents.
 */
import ExcelJS from 'exceljs'
import type { BreakdownRow, ReportRow } from './reasons-query.js'

const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 100) / 10)

export async function reportWorkbook(report: { rows: ReportRow[]; breakdown: BreakdownRow[] }, meta: { group: string; by: string; from: string; to: string; timeZone: string }): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  book.creator = 'opencc'
  const sheet = book.addWorksheet('Report')
  sheet.columns = [
    { header: 'period', key: 'period', width: 18 },
    { header: meta.group, key: 'group', width: 24 },
    { header: 'offered', key: 'offered', width: 10 },
    { header: 'answered', key: 'answered', width: 10 },
    { header: 'abandoned', key: 'abandoned', width: 10 },
    { header: 'service_level', key: 'serviceLevel', width: 13, style: { numFmt: '0.0%' } },
    { header: 'average_wait_s', key: 'wait', width: 15, style: { numFmt: '0.0' } },
    { header: 'average_handling_s', key: 'handling', width: 18, style: { numFmt: '0.0' } },
    { header: 'talk_s', key: 'talk', width: 10, style: { numFmt: '0.0' } },
    { header: 'talk_share', key: 'talkShare', width: 11, style: { numFmt: '0.0%' } },
  ]
  sheet.getRow(1).font = { bold: true }
  for (const r of report.rows) {
    sheet.addRow({ ...r, wait: seconds(r.averageWaitMs), handling: seconds(r.averageHandlingMs), talk: seconds(r.talkMs) })
  }
  const parts = book.addWorksheet('Breakdown')
  parts.columns = [
    { header: meta.group, key: 'group', width: 24 },
    { header: 'kind', key: 'kind', width: 12 },
    { header: 'value', key: 'value', width: 24 },
    { header: 'calls', key: 'calls', width: 8 },
  ]
  parts.getRow(1).font = { bold: true }
  for (const b of report.breakdown) parts.addRow(b)
  const about = book.addWorksheet('About')
  about.addRows([['from', meta.from], ['to', meta.to], ['by', meta.by], ['group', meta.group], ['time zone', meta.timeZone]])
  return Buffer.from(await book.xlsx.writeBuffer())
}
