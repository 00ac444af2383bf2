/**
 * English: "one hundred twenty-three thousand four hundred five" (no "and" inside a
 * number), "two euros and one cent", "November twenty-third, two thousand twenty-six".
 * Every word is a fragment of its own: twenty-three is say-20 say-3.
 */
import { DAY_ORDINALS, MINUS, dayOrdinal, moneyParts, range, splitThousands, unitId, unitIds, type Grammar } from './common.js'

// 0-19 and the tens are words; the rest a ten and a unit: say-20 say-3 = twenty-three
function below100(n: number): string[] {
  const unit = n % 10
  if (n < 20 || unit === 0) return [`say-${n}`]
  return [`say-${n - unit}`, `say-${unit}`]
}

// 1-999: "one hundred fifteen", never "one hundred and fifteen"
function below1000(n: number): string[] {
  const hundreds = Math.floor(n / 100)
  const rest = n % 100
  return [...(hundreds > 0 ? [`say-${hundreds}`, 'say-hundred'] : []), ...(rest > 0 ? below100(rest) : [])]
}

function cardinal(n: number): string[] {
  if (n === 0) return ['say-0']
  const { millions, thousands, units } = splitThousands(n)
  return [
    ...(millions > 0 ? [...below1000(millions), 'say-million'] : []),
    ...(thousands > 0 ? [...below1000(thousands), 'say-thousand'] : []),
    ...(units > 0 ? below1000(units) : []),
  ]
}

/**
 * Years as people say them: 2000-2099 and 1000-1009 as numbers ("two thousand
 * twenty-six", "one thousand five"), the others in two pairs: "nineteen eighty-five",
 * "nineteen oh five", "nineteen hundred".
 */
function year(y: number): string[] {
  if ((y >= 2000 && y <= 2099) || y % 1000 < 10) return cardinal(y)
  const first = Math.floor(y / 100)
  const last = y % 100
  if (last === 0) return [...below100(first), 'say-hundred']
  if (last < 10) return [...below100(first), 'say-oh', `say-${last}`]
  return [...below100(first), ...below100(last)]
}

// "one euro" but "zero euros", "two euros", "one hundred one euros"
const form = (n: number): string => (n === 1 ? 'one' : 'many')

export const en: Grammar = {
  number: (value) => cardinal(value),
  money: (units, cents, currency) => moneyParts(units, cents, (n, cent) => [...cardinal(n), unitId(currency, cent, form(n))], ['say-and']),
  date: (y, month, day) => [`say-month-${month}`, ...dayOrdinal(day), ...year(y)],
  ids: [
    MINUS,
    ...range(0, 19).map((n) => `say-${n}`),
    ...range(20, 90, 10).map((n) => `say-${n}`),
    'say-hundred',
    'say-thousand',
    'say-million',
    'say-and',
    'say-oh',
    ...range(1, 12).map((m) => `say-month-${m}`),
    ...DAY_ORDINALS.map((d) => `say-day-ord-${d}`),
    ...unitIds(['one', 'many']),
  ],
}
