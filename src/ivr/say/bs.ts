/**
 * Bosnian: numbers agree in gender (jedan/jedna/jedno, dva/dvije), counted nouns take the
 * form the last two digits ask for (marka/marke/maraka), money is "dvanaest maraka i
 * pedeset feninga", dates "dvadeset treći novembar dvije hiljade dvadeset šeste godine".
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

function cardinal(n: number, gender: Gender): string[] {
  if (n === 0) return ['say-0']
  const { millions, thousands, units } = splitThousands(n)
  const out: string[] = []
  // milion is masculine (dvadeset jedan milion, dva miliona); a lone 1 is just "milion"
  if (millions === 1) out.push('say-million-one')
  else if (millions > 0) out.push(...slavicBelow1000(millions, 'm'), `say-million-${slavicForm(millions)}`)
  // hiljada is feminine (dvije hiljade, dvadeset jedna hiljada); a lone 1000 is "hiljadu"
  if (thousands === 1) out.push('say-1000')
  else if (thousands > 0) out.push(...slavicBelow1000(thousands, 'f'), `say-thousand-${slavicForm(thousands)}`)
  if (units > 0) out.push(...slavicBelow1000(units, gender))
  return out
}

// marka, rublja and kopejka are feminine (jedna marka, dvije marke); the others masculine
const FEMININE: Record<Currency, { unit: boolean; cent: boolean }> = {
  EUR: { unit: false, cent: false },
  BAM: { unit: true, cent: false },
  RUB: { unit: true, cent: true },
  USD: { unit: false, cent: false },
}

export const bs: Grammar = {
  number: (value, gender) => cardinal(value, gender),
  money: (units, cents, currency) =>
    moneyParts(units, cents, (n, cent) => [...cardinal(n, FEMININE[currency][cent ? 'cent' : 'unit'] ? 'f' : 'm'), unitId(currency, cent, slavicForm(n))], ['say-and']),
  // the day is a masculine ordinal, the month as named: dvadeset treći novembar ... godine
  date: (y, month, day) => [...dayOrdinal(day), `say-month-${month}`, ...slavicYear(y, (n) => cardinal(n, 'm')), 'say-year'],
  ids: [
    MINUS,
    ...range(0, 19).map((n) => `say-${n}`),
    'say-1-f',
    'say-1-n',
    'say-2-f',
    ...range(20, 90, 10).map((n) => `say-${n}`),
    ...range(100, 900, 100).map((n) => `say-${n}`),
    'say-1000',
    ...SLAVIC_FORMS.map((f) => `say-thousand-${f}`),
    ...SLAVIC_FORMS.map((f) => `say-million-${f}`),
    'say-and',
    ...range(1, 12).map((m) => `say-month-${m}`),
    ...DAY_ORDINALS.map((d) => `say-day-ord-${d}`),
    ...YEAR_ORDINALS.map((n) => `say-year-ord-${n}`),
    'say-year',
    ...unitIds(SLAVIC_FORMS),
  ],
}
