/** Password hashing: scrypt with a salt per password, parameters kept with the hash. */
import { describe, expect, it } from 'vitest'
import { hashPassword, needsRehash, randomPassword, verifyPassword } from '../../src/auth/password.js'

const FAST = { N: 2 ** 10, r: 8, p: 1 }

describe('password hashes', () => {
  it('verify the password they were made from, and nothing else', async () => {
    const stored = await hashPassword('correct horse battery staple')
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(stored).not.toContain('correct')
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true)
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('salt each hash: one password, two different hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same password', FAST), hashPassword('same password', FAST)])
    expect(a).not.toBe(b)
    expect(await verifyPassword('same password', a)).toBe(true)
    expect(await verifyPassword('same password', b)).toBe(true)
  })

  it('are slow: a hash with the default parameters takes milliseconds, not microseconds', async () => {
    const t0 = performance.now()
    await hashPassword('timing')
    expect(performance.now() - t0).toBeGreaterThan(10)
  })

  it('read NFC and NFD spellings of a password as one', async () => {
    const stored = await hashPassword('Kovač-lozinka', FAST)
    expect(await verifyPassword('Kovac\u030C-lozinka', stored)).toBe(true)
  })

  it('match nothing when the stored value is malformed or asks for absurd costs', async () => {
    for (const stored of ['', 'plain', 'scrypt$1$8$1$aa$bb', `scrypt$${2 ** 30}$8$1$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`, 'scrypt$1000$8$1$AAAA$AAAA', 'bcrypt$x$y$z$a$b']) {
      expect(await verifyPassword('anything', stored), stored).toBe(false)
    }
  })

  it('ask for a rehash when made with weaker parameters', async () => {
    expect(needsRehash(await hashPassword('x', FAST))).toBe(true)
    expect(needsRehash(await hashPassword('x'))).toBe(false)
    expect(needsRehash('garbage')).toBe(true)
  })

  it('random passwords are long and differ', () => {
    const a = randomPassword()
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(randomPassword()).not.toBe(a)
  })
})
