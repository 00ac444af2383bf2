/** Dial lists: loading uploaded files and dormant clients into a campaign's contacts, and the do-not-call lists. */
export { loadList, BATCH_ROWS, FLUSH_MS, type LoadListOptions, type ListLoadResult } from './loader.js'
export { loadDormantClients, monthsBefore, type DormantOptions } from './dormant.js'
export { addDoNotCall, removeDoNotCall, listDoNotCall, checkDoNotCall, InvalidNumberError, GLOBAL, type DncEntry, type DncScope } from './dnc.js'
export { CsvFileError, ListLoadError, MappingError, NeedsPostgresError, UnknownCampaignError } from './errors.js'
export { parseMapping, type ColumnMapping } from './mapping.js'
export { MAX_FIELD_BYTES } from './rows.js'
export { DO_NOT_CALL_REASON, type ListTotals } from './writer.js'
