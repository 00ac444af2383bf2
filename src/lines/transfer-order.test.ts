import { describe, expect, it } from 'vitest'
import { encodeOrder, parseOrder, type TransferOrder } from './transfer-order.js'

const ROOM = 'xfer-1a2b3c4d-5e6f@opencc-line'
const LEG = '3f1d2c9e-8a7b-4c6d-9e0f-112233445566'

describe('transfer orders in the customer’s channel', () => {
  it('reads back every kind it writes', () => {
    const orders: TransferOrder[] = [
      { step: 'hold' },
      { step: 'join', room: ROOM, leg: LEG },
      { step: 'join', room: ROOM, leg: LEG, consult: { end: 'cancelled', kind: 'agent', value: 'sven' } },
      { step: 'join', room: ROOM, leg: LEG, consult: { end: 'no-answer', kind: 'number', value: '+38761351516' } },
      { step: 'go', mode: 'blind', by: 'rita', kind: 'queue', value: 'orders' },
      { step: 'go', mode: 'attended', by: 'rita', kind: 'agent', value: 'sven', room: ROOM, leg: LEG, token: 'abc-123' },
    ]
    for (const o of orders) expect(parseOrder(encodeOrder(o))).toEqual(o)
  })

  it('refuses a consult end or target it does not know, and anything that could carry dial-string syntax', () => {
    expect(parseOrder(`join/${ROOM}/${LEG}/lost/agent/sven`)).toBeUndefined()
    expect(parseOrder(`join/${ROOM}/${LEG}/cancelled/trunk/sven`)).toBeUndefined()
    expect(parseOrder(`join/${ROOM}/${LEG}/cancelled/number/123,456`)).toBeUndefined()
    expect(parseOrder(`join/${ROOM}/${LEG}/cancelled/agent/sv{en}`)).toBeUndefined()
    expect(parseOrder(`join/${ROOM}/${LEG}/cancelled/agent`)).toBeUndefined()
    expect(() => encodeOrder({ step: 'join', room: ROOM, leg: LEG, consult: { end: 'cancelled', kind: 'agent', value: 'a b' } })).toThrow(/cannot be encoded/)
  })
})
