import { describe, expect, it } from 'vitest'
import { UnsafeCommandError } from '../esl/commands.js'
import { ha1 } from './secret.js'
import { contactCommand, publishCommands, withdrawCommands } from './switch-commands.js'

describe("the SIP accounts' switch commands", () => {
  const a1 = ha1('ivan', '127.0.0.1', 'secret')

  it('publish the a1-hash and the URL-encoded name under two realms neither of which prefixes the other', () => {
    expect(a1).toMatch(/^[0-9a-f]{32}$/)
    expect(publishCommands('ivan', a1, 'Ivan Marić / Desk 2')).toEqual([`hash insert/opencc_sip/ivan/${a1}`, 'hash insert/opencc_sipname/ivan/Ivan%20Mari%C4%87%20%2F%20Desk%202'])
    expect(withdrawCommands('ivan.m_1')).toEqual(['hash delete/opencc_sip/ivan.m_1', 'hash delete/opencc_sipname/ivan.m_1'])
    expect(contactCommand('ivan', 'sip.example.com')).toBe('sofia_contact */ivan@sip.example.com')
  })

  it('refuse a SIP user, a1-hash or domain that could change the command', () => {
    for (const user of ['a/b', 'a b', 'a\nb', '', 'x'.repeat(65), 'ivan@evil', '../x']) {
      expect(() => publishCommands(user, a1, 'X'), user).toThrow(UnsafeCommandError)
      expect(() => withdrawCommands(user), user).toThrow(UnsafeCommandError)
      expect(() => contactCommand(user, 'd'), user).toThrow(UnsafeCommandError)
    }
    expect(() => publishCommands('ivan', 'ABC', 'X')).toThrow(/a1-hash/)
    expect(() => contactCommand('ivan', 'd/../x y')).toThrow(/SIP domain/)
  })
})
