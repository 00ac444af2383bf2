/**
 * A contact's time zone: the file's, when it names a real IANA zone, else inferred from the
 * country of the number (countries-and-timezones: which zones each country has).
 *
 * A country whose zones all keep the same time (the same UTC and DST offsets, e.g. Germany's
 * Berlin and Busingen) gets its own zone: the canonical zone the country comes first for
 * (Europe/Berlin), else its own alias (Bosnia and Herzegovina: Europe/Sarajevo, an alias of
 * Europe/Belgrade). A country whose zones differ gets its mainland zone when the others are
 * outlying islands or a small region (MAINLAND below: Spain's Canaries, Portugal's Azores ...);
 * for the others (US, Canada, Mexico, Brazil, Russia, Australia, Indonesia ...) the number
 * alone does not tell, and no zone is inferred: a wrong guess would put calls outside the
 * calling window in the contact's real local time, so such a row needs a time-zone column.
 */
import { getAllTimezones, getCountry, getTimezone, getTimezonesForCountry } from 'countries-and-timezones'

/** Countries with zones of different offsets where nearly everyone lives in one of them. */
export const MAINLAND: Readonly<Record<string, string>> = {
  CL: 'America/Santiago', // Easter Island, Magallanes
  CN: 'Asia/Shanghai', // one official time; Urumqi's is informal
  EC: 'America/Guayaquil', // Galapagos
  ES: 'Europe/Madrid', // Canary Islands
  MN: 'Asia/Ulaanbaatar', // Hovd
  NZ: 'Pacific/Auckland', // Chatham Islands
  PT: 'Europe/Lisbon', // Azores
  UA: 'Europe/Kyiv', // Crimea
}

export type ZoneInference = { zone: string } | { zone: undefined; reason: string }

const inferred = new Map<string, ZoneInference>()

/** The zone a number of `country` (ISO 3166 alpha-2) is in, or why it cannot be told. */
export function countryTimeZone(country: string): ZoneInference {
  let hit = inferred.get(country)
  if (!hit) {
    hit = inferCountryZone(country)
    inferred.set(country, hit)
  }
  return hit
}

function inferCountryZone(country: string): ZoneInference {
  const info = getCountry(country)
  if (!info || info.timezones.length === 0) return { zone: undefined, reason: `time zone needed: no time zone is known for country ${country}` }
  const zones = info.timezones.map((name) => getTimezone(name)).filter((z) => z !== null)
  const offsets = new Set(zones.map((z) => `${z.utcOffset}/${z.dstOffset}`))
  if (offsets.size > 1) {
    const mainland = MAINLAND[country]
    if (mainland) return { zone: mainland }
    return { zone: undefined, reason: `time zone needed: numbers of ${country} span ${offsets.size} time zones; map a timezone column` }
  }
  const primary = zones.find((z) => z.countries[0] === country)
  if (primary) return { zone: primary.name }
  const all = getTimezonesForCountry(country, { deprecated: true }) ?? []
  const own = all.find((z) => z.countries.length === 1 && z.countries[0] === country && z.aliasOf != null && (info.timezones as string[]).includes(z.aliasOf))
  return { zone: (own ?? zones[0]!).name }
}

const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/
const zoneNames = new Map<string, string | undefined>()
let spelled: Map<string, string> | undefined

/**
 * The zone's name in the tz database's spelling (`europe/sarajevo` -> `Europe/Sarajevo`;
 * names are kept, not replaced by what they link to), or undefined when it is not an IANA zone
 * Intl knows (offsets such as +01:00 are not zones).
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (zoneNames.has(name)) return zoneNames.get(name)
  let canonical: string | undefined
  if (IANA_NAME.test(name)) {
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
      spelled ??= new Map(Object.keys(getAllTimezones({ deprecated: true })).map((z) => [z.toLowerCase(), z]))
      canonical = spelled.get(name.toLowerCase()) ?? resolved
    } catch {
      canonical = undefined
    }
  }
  if (zoneNames.size < 10_000) zoneNames.set(name, canonical)
  return canonical
}
