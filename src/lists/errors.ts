/** Why a list could not be loaded; the HTTP layer maps each to a status. */
import type { ListTotals } from './writer.js'

export { MappingError } from './mapping.js'
export { CsvFileError } from './csv-scanner.js'

export class UnknownCampaignError extends Error {
  override readonly name = 'UnknownCampaignError'
  constructor(readonly campaignId: number) {
    super(`there is no campaign ${campaignId}`)
  }
}

/** Loading lists uses COPY and a connection of its own: PostgreSQL, not the embedded PGlite. */
export class NeedsPostgresError extends Error {
  override readonly name = 'NeedsPostgresError'
  constructor() {
    super('loading lists needs PostgreSQL (set DATABASE_URL); the embedded PGlite has no COPY from a stream')
  }
}

/**
 * A load that stopped partway (the upload broke off, the database failed): the list is marked
 * failed with the error, and what was committed before stays and is in `totals`.
 */
export class ListLoadError extends Error {
  override readonly name = 'ListLoadError'
  constructor(
    readonly listId: number,
    readonly totals: ListTotals,
    override readonly cause: Error,
  ) {
    super(`list ${listId} failed after ${totals.rowsRead} rows: ${cause.message}`)
  }
}
