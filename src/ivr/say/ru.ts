/**
 * Russian: numbers agree in gender (один/одна/одно, два/две), counted nouns take the form
 * the last two digits ask for (рубль/рубля/рублей), dates are "двадцать третье ноября две
 * тысячи двадцать шестого года". Money has no "и": "двадцать два рубля три копейки", as
 * banks and statements say it.
 */
import {
  DAY_ORDINALS,
  MINUS,
  SLAVIC_FORMS,
  YEAR_ORDINALS,
  dayOrdinal,
  moneyParts,
  range,
  slavicBelow1000,
  slavicForm,
  slavicYear,
  splitThousands,
  unitId,
  unitIds,
  type Currency,
  type Gender,
  type Grammar,
} from './common.js'

// тысяча is feminine (две тысячи, двадцать одна тысяча), миллион masculine; a lone 1 is
// left out as people do: тысяча один, миллион, but двадцать одна тысяча
function scale(n: number, gender: Gender, noun: string): string[] {
  if (n === 1) return [`${noun}-one`]
  return [...slavicBelow1000(n, gender), `${noun}-${slavicForm(n)}`]
}

function cardinal(n: number, gender: Gender): string[] {
  if (n === 0) return ['say-0']
  const { millions, thousands, units } = splitThousands(n)
  return [
    ...(millions > 0 ? scale(millions, 'm', 'say-million') : []),
    ...(thousands > 0 ? scale(thousands, 'f', 'say-thousand') : []),
    ...(units > 0 ? slavicBelow1000(units, gender) : []),
  ]
}

// копейка and конвертируемая марка are feminine (одна копейка, две марки); евро,
// though it never changes, is masculine (один евро)
const FEMININE: Record<Currency, { unit: boolean; cent: boolean }> = {
  EUR: { unit: false, cent: false },
  BAM: { unit: true, cent: false },
  RUB: { unit: false, cent: true },
  USD: { unit: false, cent: false },
}

export const ru: Grammar = {
  number: (value, gender) => cardinal(value, gender),
  money: (units, cents, currency) =>
    moneyParts(units, cents, (n, cent) => [...cardinal(n, FEMININE[currency][cent ? 'cent' : 'unit'] ? 'f' : 'm'), unitId(currency, cent, slavicForm(n))], []),
  // the day is a neuter ordinal (число), the month genitive: двадцать третье ноября ... года
  date: (y, month, day) => [...dayOrdinal(day), `say-month-${month}`, ...slavicYear(y, (n) => cardinal(n, 'm')), 'say-year'],
  ids: [
    MINUS,
    ...range(0, 19).map((n) => `say-${n}`),
    'say-1-f',
    'say-1-n',
    'say-2-f',
    ...range(20, 90, 10).map((n) => `say-${n}`),
    ...range(100, 900, 100).map((n) => `say-${n}`),
    ...SLAVIC_FORMS.map((f) => `say-thousand-${f}`),
    ...SLAVIC_FORMS.map((f) => `say-million-${f}`),
    ...range(1, 12).map((m) => `say-month-${m}`),
    ...DAY_ORDINALS.map((d) => `say-day-ord-${d}`),
    ...YEAR_ORDINALS.map((n) => `say-year-ord-${n}`),
    'say-year',
    ...unitIds(SLAVIC_FORMS),
  ],
}
