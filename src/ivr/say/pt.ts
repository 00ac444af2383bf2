/**
 * European Portuguese: "cento e vinte e três mil quatrocentos e cinco", "doze euros e
 * cinco cêntimos", "vinte e três de novembro de dois mil e vinte e seis". Feminine nouns
 * take uma, duas and duzentas..novecentas; there is no neuter, so 'n' counts as masculine.
 */
import { MINUS, moneyParts, range, splitThousands, unitId, unitIds, type Gender, type Grammar } from './common.js'

// um/uma, dois/duas: say-1-f, say-2-f
function unit(n: number, gender: Gender): string {
  return gender === 'f' && (n === 1 || n === 2) ? `say-${n}-f` : `say-${n}`
}

// 100 alone is "cem", before more "cento" (cento e um); 200-900 agree: duzentos/duzentas
function hundredsWord(hundreds: number, alone: boolean, gender: Gender): string {
  if (hundreds === 100) return alone ? 'say-100' : 'say-cento'
  return gender === 'f' ? `say-${hundreds}-f` : `say-${hundreds}`
}

// 1-999 with "e" between every part: cento e vinte e três, quinhentos e cinco
function below1000(n: number, gender: Gender): string[] {
  const hundreds = n - (n % 100)
  const tens = n % 100 >= 20 ? n % 100 - (n % 10) : 0
  const units = n % 100 >= 20 ? n % 10 : n % 100
  const parts: string[] = []
  if (hundreds > 0) parts.push(hundredsWord(hundreds, n === hundreds, gender))
  if (tens > 0) parts.push(`say-${tens}`)
  if (units > 0) parts.push(unit(units, gender))
  return parts.flatMap((p, i) => (i > 0 ? ['say-and', p] : [p]))
}

function cardinal(n: number, gender: Gender): string[] {
  if (n === 0) return ['say-0']
  const { millions, thousands, units } = splitThousands(n)
  const groups: { value: number; words: string[] }[] = []
  // milhão is masculine whatever is counted: duzentos milhões de pessoas
  if (millions > 0) groups.push({ value: millions, words: [...below1000(millions, 'm'), millions === 1 ? 'say-million-one' : 'say-million-many'] })
  // mil, never "um mil"; the thousands agree with the noun: duas mil pessoas
  if (thousands > 0) groups.push({ value: thousands, words: [...(thousands === 1 ? [] : below1000(thousands, gender)), 'say-thousand'] })
  if (units > 0) groups.push({ value: units, words: below1000(units, gender) })
  // between groups "e" comes only before the last one, and only if it is below 100 or
  // whole hundreds: mil e um, dois mil e quinhentos, um milhão e quinhentos mil; but mil
  // cento e um, cento e vinte e três mil quatrocentos e cinco
  return groups.flatMap((g, i) => {
    const last = i === groups.length - 1
    return i > 0 && last && (g.value < 100 || g.value % 100 === 0) ? ['say-and', ...g.words] : g.words
  })
}

// "um euro" but "zero euros", "dois euros"; a whole number of millions takes "de":
// um milhão de euros, but um milhão e cem euros
function amount(n: number, unitWord: (form: string) => string): string[] {
  const words = [...cardinal(n, 'm'), unitWord(n === 1 ? 'one' : 'many')]
  if (n >= 1_000_000 && n % 1_000_000 === 0) words.splice(words.length - 1, 0, 'say-of')
  return words
}

export const pt: Grammar = {
  number: (value, gender) => cardinal(value, gender),
  // every unit we name is masculine: euro, cêntimo, marco, dólar, rublo, copeque
  money: (units, cents, currency) => moneyParts(units, cents, (n, cent) => amount(n, (form) => unitId(currency, cent, form)), ['say-and']),
  // the 1st is "primeiro de maio", as in the holidays; other days are cardinals
  date: (y, month, day) => [...(day === 1 ? ['say-day-ord-1'] : cardinal(day, 'm')), 'say-of', `say-month-${month}`, 'say-of', ...cardinal(y, 'm')],
  ids: [
    MINUS,
    ...range(0, 19).map((n) => `say-${n}`),
    'say-1-f',
    'say-2-f',
    ...range(20, 90, 10).map((n) => `say-${n}`),
    ...range(100, 900, 100).map((n) => `say-${n}`),
    'say-cento',
    ...range(200, 900, 100).map((n) => `say-${n}-f`),
    'say-thousand',
    'say-million-one',
    'say-million-many',
    'say-and',
    'say-of',
    ...range(1, 12).map((m) => `say-month-${m}`),
    'say-day-ord-1',
    ...unitIds(['one', 'many']),
  ],
}
