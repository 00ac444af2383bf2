/**
 * What callers hear, written out: each request's fragment ids are mapped back to their
 * texts in prompts/say.yaml and compared, joined by spaces, with the sentence a speaker
 * of the language would say. Hyphens in the expected text (twenty-three) are not heard,
 * so they count as spaces.
 */
import fs from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { SayError, fragmentIds, sayFragments, type Currency, type Language, type SayRequest } from './index.js'

type Gender = 'm' | 'f' | 'n'
const LANGUAGES: Language[] = ['en', 'ru', 'pt', 'bs']
const CURRENCIES: Currency[] = ['EUR', 'BAM', 'RUB', 'USD']

const catalog = YAML.parse(fs.readFileSync(new URL('../../../prompts/say.yaml', import.meta.url), 'utf8')) as {
  prompts: Record<Language, Record<string, string>>
}

function spoken(language: Language, request: SayRequest): string {
  return sayFragments(language, request)
    .map((id) => {
      const text = catalog.prompts[language][id]
      if (text === undefined) throw new Error(`prompts/say.yaml has no ${language}/${id}`)
      return text
    })
    .join(' ')
}

const words = (text: string): string => text.replace(/-/g, ' ')
const num = (value: number, gender?: Gender): SayRequest => (gender ? { kind: 'number', value, gender } : { kind: 'number', value })
const money = (amount: number, currency: Currency): SayRequest => ({ kind: 'money', amount, currency })
const date = (value: string): SayRequest => ({ kind: 'date', date: value })
const digits = (value: string): SayRequest => ({ kind: 'digits', value })

/** it.each tables: number [value, expected], gendered [value, gender, expected], money [amount, currency, expected], date [date, expected]. */
function speaks(language: Language, tables: {
  numbers?: [number, string][]
  gendered?: [number, Gender, string][]
  money?: [number, Currency, string][]
  dates?: [string, string][]
}): void {
  if (tables.numbers) it.each(tables.numbers)('number %s: %s', (n, text) => expect(spoken(language, num(n))).toBe(words(text)))
  if (tables.gendered) it.each(tables.gendered)('number %s (%s): %s', (n, g, text) => expect(spoken(language, num(n, g))).toBe(words(text)))
  if (tables.money) it.each(tables.money)('money %s %s: %s', (a, c, text) => expect(spoken(language, money(a, c))).toBe(words(text)))
  if (tables.dates) it.each(tables.dates)('date %s: %s', (d, text) => expect(spoken(language, date(d))).toBe(words(text)))
}

describe('en', () => {
  speaks('en', {
    numbers: [
      [0, 'zero'],
      [1, 'one'],
      [7, 'seven'],
      [10, 'ten'],
      [11, 'eleven'],
      [13, 'thirteen'],
      [19, 'nineteen'],
      [20, 'twenty'],
      [21, 'twenty-one'],
      [40, 'forty'],
      [99, 'ninety-nine'],
      [100, 'one hundred'],
      [101, 'one hundred one'],
      [115, 'one hundred fifteen'],
      [340, 'three hundred forty'],
      [999, 'nine hundred ninety-nine'],
      [1000, 'one thousand'],
      [1001, 'one thousand one'],
      [2500, 'two thousand five hundred'],
      [10_000, 'ten thousand'],
      [21_000, 'twenty-one thousand'],
      [100_000, 'one hundred thousand'],
      [123_405, 'one hundred twenty-three thousand four hundred five'],
      [1_000_000, 'one million'],
      [1_000_001, 'one million one'],
      [2_030_000, 'two million thirty thousand'],
      [100_000_000, 'one hundred million'],
      [999_999_999, 'nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine'],
      [-5, 'minus five'],
      [-1_000_000, 'minus one million'],
      [-0, 'zero'],
    ],
    gendered: [
      [1, 'f', 'one'],
      [2, 'n', 'two'],
    ],
    money: [
      [0, 'EUR', 'zero euros'],
      [1, 'EUR', 'one euro'],
      [2.01, 'EUR', 'two euros and one cent'],
      [12.05, 'EUR', 'twelve euros and five cents'],
      [12.5, 'EUR', 'twelve euros and fifty cents'],
      [0.05, 'EUR', 'five cents'],
      [0.01, 'USD', 'one cent'],
      [1, 'USD', 'one dollar'],
      [99.99, 'USD', 'ninety-nine dollars and ninety-nine cents'],
      [1_000_000, 'USD', 'one million dollars'],
      [1, 'BAM', 'one convertible mark'],
      [2.5, 'BAM', 'two convertible marks and fifty fenings'],
      [0.01, 'BAM', 'one fening'],
      [101, 'BAM', 'one hundred one convertible marks'],
      [1, 'RUB', 'one ruble'],
      [3.01, 'RUB', 'three rubles and one kopeck'],
      [1500.75, 'RUB', 'one thousand five hundred rubles and seventy-five kopecks'],
    ],
    dates: [
      ['2026-11-23', 'November twenty-third two thousand twenty-six'],
      ['2026-01-01', 'January first two thousand twenty-six'],
      ['2026-02-02', 'February second two thousand twenty-six'],
      ['2026-03-03', 'March third two thousand twenty-six'],
      ['2026-04-12', 'April twelfth two thousand twenty-six'],
      ['2026-05-20', 'May twentieth two thousand twenty-six'],
      ['2026-05-21', 'May twenty-first two thousand twenty-six'],
      ['2026-05-22', 'May twenty-second two thousand twenty-six'],
      ['2026-06-30', 'June thirtieth two thousand twenty-six'],
      ['2026-12-31', 'December thirty-first two thousand twenty-six'],
      ['2000-07-04', 'July fourth two thousand'],
      ['2001-08-09', 'August ninth two thousand one'],
      ['2010-09-11', 'September eleventh two thousand ten'],
      ['2024-02-29', 'February twenty-ninth two thousand twenty-four'],
      ['1985-10-15', 'October fifteenth nineteen eighty-five'],
      ['1905-03-08', 'March eighth nineteen oh five'],
      ['1900-01-13', 'January thirteenth nineteen hundred'],
      ['2100-01-01', 'January first twenty-one hundred'],
      ['1000-01-01', 'January first one thousand'],
      ['1066-10-14', 'October fourteenth ten sixty-six'],
    ],
  })
})

describe('ru', () => {
  speaks('ru', {
    numbers: [
      [0, 'ноль'],
      [1, 'один'],
      [2, 'два'],
      [11, 'одиннадцать'],
      [12, 'двенадцать'],
      [14, 'четырнадцать'],
      [21, 'двадцать один'],
      [40, 'сорок'],
      [90, 'девяносто'],
      [111, 'сто одиннадцать'],
      [200, 'двести'],
      [345, 'триста сорок пять'],
      [1000, 'тысяча'],
      [1001, 'тысяча один'],
      [2000, 'две тысячи'],
      [4000, 'четыре тысячи'],
      [5000, 'пять тысяч'],
      [11_000, 'одиннадцать тысяч'],
      [12_000, 'двенадцать тысяч'],
      [21_000, 'двадцать одна тысяча'],
      [22_000, 'двадцать две тысячи'],
      [25_000, 'двадцать пять тысяч'],
      [101_000, 'сто одна тысяча'],
      [111_000, 'сто одиннадцать тысяч'],
      [123_405, 'сто двадцать три тысячи четыреста пять'],
      [1_000_000, 'миллион'],
      [1_001_001, 'миллион тысяча один'],
      [2_000_000, 'два миллиона'],
      [5_000_000, 'пять миллионов'],
      [21_000_000, 'двадцать один миллион'],
      [22_000_000, 'двадцать два миллиона'],
      [112_000_000, 'сто двенадцать миллионов'],
      [999_999_999, 'девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять'],
      [-7, 'минус семь'],
      [-0, 'ноль'],
    ],
    gendered: [
      [1, 'f', 'одна'],
      [1, 'n', 'одно'],
      [2, 'f', 'две'],
      [2, 'n', 'два'],
      [21, 'f', 'двадцать одна'],
      [22, 'f', 'двадцать две'],
      [12, 'f', 'двенадцать'],
      [2002, 'f', 'две тысячи две'],
      [2_001_001, 'n', 'два миллиона тысяча одно'],
    ],
    money: [
      [0, 'RUB', 'ноль рублей'],
      [1, 'RUB', 'один рубль'],
      [2, 'RUB', 'два рубля'],
      [5, 'RUB', 'пять рублей'],
      [11, 'RUB', 'одиннадцать рублей'],
      [12, 'RUB', 'двенадцать рублей'],
      [14, 'RUB', 'четырнадцать рублей'],
      [21, 'RUB', 'двадцать один рубль'],
      [22.03, 'RUB', 'двадцать два рубля три копейки'],
      [111, 'RUB', 'сто одиннадцать рублей'],
      [1000, 'RUB', 'тысяча рублей'],
      [2000, 'RUB', 'две тысячи рублей'],
      [1_000_000, 'RUB', 'миллион рублей'],
      [0.01, 'RUB', 'одна копейка'],
      [0.02, 'RUB', 'две копейки'],
      [0.05, 'RUB', 'пять копеек'],
      [0.11, 'RUB', 'одиннадцать копеек'],
      [0.21, 'RUB', 'двадцать одна копейка'],
      [1.01, 'EUR', 'один евро один цент'],
      [5, 'EUR', 'пять евро'],
      [22.22, 'EUR', 'двадцать два евро двадцать два цента'],
      [0.5, 'EUR', 'пятьдесят центов'],
      [1, 'USD', 'один доллар'],
      [2.02, 'USD', 'два доллара два цента'],
      [1001.5, 'USD', 'тысяча один доллар пятьдесят центов'],
      [1, 'BAM', 'одна конвертируемая марка'],
      [2, 'BAM', 'две конвертируемые марки'],
      [5, 'BAM', 'пять конвертируемых марок'],
      [21.21, 'BAM', 'двадцать одна конвертируемая марка двадцать один фенинг'],
      [0.02, 'BAM', 'два фенинга'],
      [0.05, 'BAM', 'пять фенингов'],
    ],
    dates: [
      ['2026-11-23', 'двадцать третье ноября две тысячи двадцать шестого года'],
      ['2026-01-01', 'первое января две тысячи двадцать шестого года'],
      ['2026-02-02', 'второе февраля две тысячи двадцать шестого года'],
      ['2026-03-03', 'третье марта две тысячи двадцать шестого года'],
      ['2026-04-04', 'четвёртое апреля две тысячи двадцать шестого года'],
      ['2026-05-20', 'двадцатое мая две тысячи двадцать шестого года'],
      ['2026-05-21', 'двадцать первое мая две тысячи двадцать шестого года'],
      ['2026-06-22', 'двадцать второе июня две тысячи двадцать шестого года'],
      ['2026-09-30', 'тридцатое сентября две тысячи двадцать шестого года'],
      ['2026-12-31', 'тридцать первое декабря две тысячи двадцать шестого года'],
      ['2000-05-09', 'девятое мая двухтысячного года'],
      ['2001-07-11', 'одиннадцатое июля две тысячи первого года'],
      ['2010-08-15', 'пятнадцатое августа две тысячи десятого года'],
      ['2011-10-17', 'семнадцатое октября две тысячи одиннадцатого года'],
      ['2020-02-29', 'двадцать девятое февраля две тысячи двадцатого года'],
      ['2040-03-08', 'восьмое марта две тысячи сорокового года'],
      ['1985-07-04', 'четвёртое июля тысяча девятьсот восемьдесят пятого года'],
      ['1941-06-22', 'двадцать второе июня тысяча девятьсот сорок первого года'],
      ['1990-12-13', 'тринадцатое декабря тысяча девятьсот девяностого года'],
      ['1900-01-01', 'первое января тысяча девятисотого года'],
      ['2100-01-01', 'первое января две тысячи сотого года'],
      ['1000-01-01', 'первое января тысячного года'],
      ['1003-01-01', 'первое января тысяча третьего года'],
    ],
  })
})

describe('pt', () => {
  speaks('pt', {
    numbers: [
      [0, 'zero'],
      [1, 'um'],
      [2, 'dois'],
      [14, 'catorze'],
      [16, 'dezasseis'],
      [17, 'dezassete'],
      [19, 'dezanove'],
      [20, 'vinte'],
      [21, 'vinte e um'],
      [99, 'noventa e nove'],
      [100, 'cem'],
      [101, 'cento e um'],
      [110, 'cento e dez'],
      [123, 'cento e vinte e três'],
      [200, 'duzentos'],
      [405, 'quatrocentos e cinco'],
      [1000, 'mil'],
      [1001, 'mil e um'],
      [1100, 'mil e cem'],
      [1101, 'mil cento e um'],
      [1120, 'mil cento e vinte'],
      [2000, 'dois mil'],
      [2500, 'dois mil e quinhentos'],
      [2520, 'dois mil quinhentos e vinte'],
      [21_000, 'vinte e um mil'],
      [100_000, 'cem mil'],
      [100_100, 'cem mil e cem'],
      [123_405, 'cento e vinte e três mil quatrocentos e cinco'],
      [1_000_000, 'um milhão'],
      [1_000_001, 'um milhão e um'],
      [1_001_000, 'um milhão e mil'],
      [1_500_000, 'um milhão e quinhentos mil'],
      [1_500_001, 'um milhão quinhentos mil e um'],
      [1_234_567, 'um milhão duzentos e trinta e quatro mil quinhentos e sessenta e sete'],
      [2_000_000, 'dois milhões'],
      [999_999_999, 'novecentos e noventa e nove milhões novecentos e noventa e nove mil novecentos e noventa e nove'],
      [-3, 'menos três'],
      [-0, 'zero'],
    ],
    gendered: [
      [1, 'f', 'uma'],
      [2, 'f', 'duas'],
      [3, 'f', 'três'],
      [21, 'f', 'vinte e uma'],
      [100, 'f', 'cem'],
      [200, 'f', 'duzentas'],
      [555, 'f', 'quinhentas e cinquenta e cinco'],
      [2000, 'f', 'duas mil'],
      [200_000, 'f', 'duzentas mil'],
      [202_202_202, 'f', 'duzentos e dois milhões duzentas e duas mil duzentas e duas'],
      [1, 'n', 'um'],
      [200, 'n', 'duzentos'],
    ],
    money: [
      [0, 'EUR', 'zero euros'],
      [1, 'EUR', 'um euro'],
      [2, 'EUR', 'dois euros'],
      [1.01, 'EUR', 'um euro e um cêntimo'],
      [12.05, 'EUR', 'doze euros e cinco cêntimos'],
      [0.05, 'EUR', 'cinco cêntimos'],
      [1000, 'EUR', 'mil euros'],
      [2500, 'EUR', 'dois mil e quinhentos euros'],
      [1_000_000, 'EUR', 'um milhão de euros'],
      [2_000_000.5, 'EUR', 'dois milhões de euros e cinquenta cêntimos'],
      [1_000_100, 'EUR', 'um milhão e cem euros'],
      [1_500_000, 'EUR', 'um milhão e quinhentos mil euros'],
      [1, 'BAM', 'um marco convertível'],
      [200, 'BAM', 'duzentos marcos convertíveis'],
      [2.5, 'BAM', 'dois marcos convertíveis e cinquenta fenings'],
      [0.01, 'BAM', 'um fening'],
      [1, 'USD', 'um dólar'],
      [3.99, 'USD', 'três dólares e noventa e nove cêntimos'],
      [1, 'RUB', 'um rublo'],
      [2.02, 'RUB', 'dois rublos e dois copeques'],
      [0.01, 'RUB', 'um copeque'],
    ],
    dates: [
      ['2026-11-23', 'vinte e três de novembro de dois mil e vinte e seis'],
      ['2026-01-01', 'primeiro de janeiro de dois mil e vinte e seis'],
      ['2026-02-02', 'dois de fevereiro de dois mil e vinte e seis'],
      ['2026-03-03', 'três de março de dois mil e vinte e seis'],
      ['2026-05-21', 'vinte e um de maio de dois mil e vinte e seis'],
      ['2026-05-22', 'vinte e dois de maio de dois mil e vinte e seis'],
      ['2026-12-31', 'trinta e um de dezembro de dois mil e vinte e seis'],
      ['2000-06-10', 'dez de junho de dois mil'],
      ['2001-07-16', 'dezasseis de julho de dois mil e um'],
      ['2010-10-05', 'cinco de outubro de dois mil e dez'],
      ['1974-04-25', 'vinte e cinco de abril de mil novecentos e setenta e quatro'],
      ['1900-08-30', 'trinta de agosto de mil e novecentos'],
      ['2100-09-01', 'primeiro de setembro de dois mil e cem'],
    ],
  })
})

describe('bs', () => {
  speaks('bs', {
    numbers: [
      [0, 'nula'],
      [1, 'jedan'],
      [2, 'dva'],
      [11, 'jedanaest'],
      [14, 'četrnaest'],
      [16, 'šesnaest'],
      [21, 'dvadeset jedan'],
      [100, 'sto'],
      [200, 'dvjesto'],
      [600, 'šeststo'],
      [1000, 'hiljadu'],
      [1001, 'hiljadu jedan'],
      [2000, 'dvije hiljade'],
      [3000, 'tri hiljade'],
      [5000, 'pet hiljada'],
      [11_000, 'jedanaest hiljada'],
      [12_000, 'dvanaest hiljada'],
      [21_000, 'dvadeset jedna hiljada'],
      [22_000, 'dvadeset dvije hiljade'],
      [25_000, 'dvadeset pet hiljada'],
      [101_000, 'sto jedna hiljada'],
      [123_405, 'sto dvadeset tri hiljade četiristo pet'],
      [1_000_000, 'milion'],
      [1_001_000, 'milion hiljadu'],
      [2_000_000, 'dva miliona'],
      [5_000_000, 'pet miliona'],
      [21_000_000, 'dvadeset jedan milion'],
      [999_999_999, 'devetsto devedeset devet miliona devetsto devedeset devet hiljada devetsto devedeset devet'],
      [-4, 'minus četiri'],
      [-0, 'nula'],
    ],
    gendered: [
      [1, 'f', 'jedna'],
      [1, 'n', 'jedno'],
      [2, 'f', 'dvije'],
      [2, 'n', 'dva'],
      [21, 'f', 'dvadeset jedna'],
      [32, 'f', 'trideset dvije'],
      [2_002, 'f', 'dvije hiljade dvije'],
    ],
    money: [
      [0, 'BAM', 'nula maraka'],
      [1, 'BAM', 'jedna marka'],
      [2, 'BAM', 'dvije marke'],
      [4, 'BAM', 'četiri marke'],
      [5, 'BAM', 'pet maraka'],
      [11, 'BAM', 'jedanaest maraka'],
      [12, 'BAM', 'dvanaest maraka'],
      [14, 'BAM', 'četrnaest maraka'],
      [21, 'BAM', 'dvadeset jedna marka'],
      [22, 'BAM', 'dvadeset dvije marke'],
      [25, 'BAM', 'dvadeset pet maraka'],
      [112, 'BAM', 'sto dvanaest maraka'],
      [1000, 'BAM', 'hiljadu maraka'],
      [2000, 'BAM', 'dvije hiljade maraka'],
      [1_000_000, 'BAM', 'milion maraka'],
      [2_000_000, 'BAM', 'dva miliona maraka'],
      [0.01, 'BAM', 'jedan fening'],
      [0.02, 'BAM', 'dva feninga'],
      [0.05, 'BAM', 'pet feninga'],
      [0.11, 'BAM', 'jedanaest feninga'],
      [0.21, 'BAM', 'dvadeset jedan fening'],
      [0.22, 'BAM', 'dvadeset dva feninga'],
      [0.25, 'BAM', 'dvadeset pet feninga'],
      [12.5, 'BAM', 'dvanaest maraka i pedeset feninga'],
      [21.01, 'BAM', 'dvadeset jedna marka i jedan fening'],
      [1, 'EUR', 'jedan euro'],
      [2, 'EUR', 'dva eura'],
      [5, 'EUR', 'pet eura'],
      [0.01, 'EUR', 'jedan cent'],
      [0.02, 'EUR', 'dva centa'],
      [0.05, 'EUR', 'pet centi'],
      [1, 'USD', 'jedan dolar'],
      [3.5, 'USD', 'tri dolara i pedeset centi'],
      [7, 'USD', 'sedam dolara'],
      [1, 'RUB', 'jedna rublja'],
      [3, 'RUB', 'tri rublje'],
      [5, 'RUB', 'pet rubalja'],
      [0.01, 'RUB', 'jedna kopejka'],
      [0.02, 'RUB', 'dvije kopejke'],
      [0.05, 'RUB', 'pet kopejki'],
    ],
    dates: [
      ['2026-11-23', 'dvadeset treći novembar dvije hiljade dvadeset šeste godine'],
      ['2026-01-01', 'prvi januar dvije hiljade dvadeset šeste godine'],
      ['2026-02-02', 'drugi februar dvije hiljade dvadeset šeste godine'],
      ['2026-03-03', 'treći mart dvije hiljade dvadeset šeste godine'],
      ['2026-05-20', 'dvadeseti maj dvije hiljade dvadeset šeste godine'],
      ['2026-05-21', 'dvadeset prvi maj dvije hiljade dvadeset šeste godine'],
      ['2026-06-22', 'dvadeset drugi juni dvije hiljade dvadeset šeste godine'],
      ['2026-07-30', 'trideseti juli dvije hiljade dvadeset šeste godine'],
      ['2026-12-31', 'trideset prvi decembar dvije hiljade dvadeset šeste godine'],
      ['2000-04-04', 'četvrti april dvijehiljadite godine'],
      ['2001-08-11', 'jedanaesti august dvije hiljade prve godine'],
      ['2010-09-15', 'petnaesti septembar dvije hiljade desete godine'],
      ['2020-10-17', 'sedamnaesti oktobar dvije hiljade dvadesete godine'],
      ['1985-07-07', 'sedmi juli hiljadu devetsto osamdeset pete godine'],
      ['1992-03-01', 'prvi mart hiljadu devetsto devedeset druge godine'],
      ['1900-01-08', 'osmi januar hiljadu devetstote godine'],
      ['2100-01-01', 'prvi januar dvije hiljade stote godine'],
      ['1000-01-01', 'prvi januar hiljadite godine'],
    ],
  })
})

describe('digits', () => {
  it.each([
    ['en', 'zero zero four two'],
    ['ru', 'ноль ноль четыре два'],
    ['pt', 'zero zero quatro dois'],
    ['bs', 'nula nula četiri dva'],
  ] as [Language, string][])('%s: 0042 is "%s"', (language, text) => expect(spoken(language, digits('0042'))).toBe(text))

  it('speaks every digit, one fragment each', () => {
    expect(sayFragments('bs', digits('9876543210'))).toEqual(['say-9', 'say-8', 'say-7', 'say-6', 'say-5', 'say-4', 'say-3', 'say-2', 'say-1', 'say-0'])
  })
})

describe('counted nouns agree with every amount 0-1000', () => {
  // the rule restated from the words, to check the grammar's choice for every ending
  const slavic = (n: number, one: string, few: string, many: string): string => {
    const lastTwo = n % 100
    if (lastTwo >= 11 && lastTwo <= 14) return many
    if (n % 10 === 1) return one
    return n % 10 >= 2 && n % 10 <= 4 ? few : many
  }
  const endsWith = (language: Language, request: SayRequest, tail: string): void => {
    const text = spoken(language, request)
    expect(` ${text}`.endsWith(` ${tail}`), `${JSON.stringify(request)}: ${text}`).toBe(true)
  }

  it('ru: рубль/рубля/рублей, и одна/две копейки', () => {
    for (let n = 0; n <= 1000; n++) {
      endsWith('ru', money(n, 'RUB'), slavic(n, 'рубль', 'рубля', 'рублей'))
      if (n % 100 >= 1 && n % 100 <= 99) endsWith('ru', money((n % 100) / 100, 'RUB'), slavic(n % 100, 'одна копейка', 'копейки', 'копеек'))
      if (n % 10 === 2 && n % 100 !== 12) endsWith('ru', money(n / 100, 'RUB'), 'две копейки')
    }
  })

  it('bs: jedna marka, dvije marke, pet maraka', () => {
    for (let n = 0; n <= 1000; n++) {
      endsWith('bs', money(n, 'BAM'), slavic(n, 'jedna marka', 'marke', 'maraka'))
      if (n % 10 === 2 && n % 100 !== 12) endsWith('bs', money(n, 'BAM'), 'dvije marke')
      endsWith('bs', money(n, 'EUR'), slavic(n, 'jedan euro', 'eura', 'eura'))
    }
  })

  it('en and pt: singular for 1 only', () => {
    for (let n = 0; n <= 1000; n++) {
      endsWith('en', money(n, 'USD'), n === 1 ? 'one dollar' : 'dollars')
      endsWith('pt', money(n, 'USD'), n === 1 ? 'um dólar' : 'dólares')
    }
  })
})

describe.each(LANGUAGES)('%s fragment ids', (language) => {
  const ids = fragmentIds(language)

  it('are exactly the ids of prompts/say.yaml for the language, each once', () => {
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(Object.keys(catalog.prompts[language]).sort())
    for (const text of Object.values(catalog.prompts[language])) expect(text.trim()).not.toBe('')
  })

  it('are prompt ids a flow may name', () => {
    for (const id of ids) expect(id).toMatch(/^say-[a-z0-9-]{1,60}$/)
  })

  it('are all produced, and nothing else is', () => {
    const produced = new Set<string>()
    const add = (request: SayRequest): void => sayFragments(language, request).forEach((id) => produced.add(id))
    for (const gender of ['m', 'f', 'n'] as Gender[]) {
      for (let n = 0; n <= 1200; n++) add(num(n, gender))
      for (let n = 1; n <= 999; n++) {
        add(num(n * 1000, gender))
        add(num(n * 1_000_000, gender))
      }
    }
    add(num(-1))
    for (const currency of CURRENCIES) {
      for (let n = 0; n <= 130; n++) add(money(n, currency))
      for (let c = 1; c <= 99; c++) add(money(Number(`1.${String(c).padStart(2, '0')}`), currency))
      add(money(1_000_000, currency))
    }
    for (let year = 1000; year <= 2999; year++) add(date(`${year}-01-01`))
    for (let day = 0; day < 366; day++) add(date(new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10)))
    add(digits('0123456789'))
    expect([...produced].sort()).toEqual([...ids].sort())
  })

  it('cover any valid request (random numbers, amounts and dates)', () => {
    const known = new Set(ids)
    const allKnown = (request: SayRequest): boolean => {
      const out = sayFragments(language, request)
      return out.length > 0 && out.every((id) => known.has(id))
    }
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.constantFrom<Gender>('m', 'f', 'n'), (n, g) => allKnown(num(n, g))),
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom(...CURRENCIES), (units, cents, currency) =>
        allKnown(money(Number(`${units}.${String(cents).padStart(2, '0')}`), currency)),
      ),
    )
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), (d) =>
        allKnown(date(d.toISOString().slice(0, 10))),
      ),
    )
  })
})

describe('bad input is a SayError that says what is wrong', () => {
  const fails = (request: SayRequest, message: string, language: Language = 'en'): void => {
    let error: unknown
    try {
      sayFragments(language, request)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SayError)
    expect((error as Error).message).toBe(message)
  }

  it('numbers: integers within ±999 999 999 only', () => {
    fails(num(1.5), 'number must be an integer: 1.5')
    fails(num(NaN), 'number must be an integer: NaN')
    fails(num(Infinity), 'number must be an integer: Infinity')
    fails(num(1_000_000_000), 'number must be between -999999999 and 999999999: 1000000000')
    fails(num(-1_000_000_000), 'number must be between -999999999 and 999999999: -1000000000')
    fails({ kind: 'number', value: '12' as unknown as number }, 'number must be an integer: 12')
    fails({ kind: 'number', value: 1, gender: 'x' as Gender }, 'number gender must be m, f or n: x')
  })

  it('money: not negative, below a billion, at most 2 decimals, a known currency', () => {
    fails(money(12.345, 'EUR'), 'money amount must have at most 2 decimals: 12.345')
    fails(money(0.1 + 0.2, 'EUR'), 'money amount must have at most 2 decimals: 0.30000000000000004')
    fails(money(1e-7, 'EUR'), 'money amount must have at most 2 decimals: 1e-7')
    fails(money(-1, 'EUR'), 'money amount must not be negative: -1')
    fails(money(1_000_000_000, 'EUR'), 'money amount must be at most 999999999.99: 1000000000')
    fails(money(NaN, 'EUR'), 'money amount must be a number: NaN')
    fails(money(12, 'GBP' as Currency), 'money currency must be one of EUR, BAM, RUB, USD: GBP')
    expect(spoken('en', money(999_999_999.99, 'EUR'))).toBe(
      words('nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine euros and ninety-nine cents'),
    )
    expect(spoken('en', money(-0, 'EUR'))).toBe('zero euros')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 1, max: 9 }), (cents, last) => {
        const amount = Number(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}${last}`)
        expect(() => sayFragments('bs', money(amount, 'BAM'))).toThrow(SayError)
      }),
    )
  })

  it('dates: YYYY-MM-DD of a day that exists, years 1000-2999', () => {
    fails(date('2026-02-30'), 'date does not exist: 2026-02-30')
    fails(date('2025-02-29'), 'date does not exist: 2025-02-29')
    fails(date('1900-02-29'), 'date does not exist: 1900-02-29')
    fails(date('2026-04-31'), 'date does not exist: 2026-04-31')
    fails(date('2026-13-01'), 'date does not exist: 2026-13-01')
    fails(date('2026-00-10'), 'date does not exist: 2026-00-10')
    fails(date('2026-11-00'), 'date does not exist: 2026-11-00')
    fails(date('2026-1-5'), 'date must be YYYY-MM-DD: "2026-1-5"')
    fails(date('23.11.2026'), 'date must be YYYY-MM-DD: "23.11.2026"')
    fails(date('2026-11-23T10:00:00Z'), 'date must be YYYY-MM-DD: "2026-11-23T10:00:00Z"')
    fails(date(''), 'date must be YYYY-MM-DD: ""')
    fails(date('0999-12-31'), 'date year must be 1000-2999: 0999-12-31')
    fails(date('3000-01-01'), 'date year must be 1000-2999: 3000-01-01')
    expect(spoken('en', date('2000-02-29'))).toBe(words('February twenty-ninth two thousand'))
  })

  it('digits: 0-9 only, at least one', () => {
    fails(digits('12a4'), 'digits must be one or more of 0-9: "12a4"')
    fails(digits(''), 'digits must be one or more of 0-9: ""')
    fails(digits('-12'), 'digits must be one or more of 0-9: "-12"')
    fails(digits('1 2'), 'digits must be one or more of 0-9: "1 2"')
    fails(digits('١٢'), 'digits must be one or more of 0-9: "١٢"')
  })

  it('unknown kinds and languages', () => {
    fails({ kind: 'duration', value: 5 } as unknown as SayRequest, 'say kind must be number, money, date or digits: "duration"')
    fails(null as unknown as SayRequest, 'say kind must be number, money, date or digits: undefined')
    fails(num(1), 'language must be one of en, ru, pt, bs: de', 'de' as Language)
  })
})
