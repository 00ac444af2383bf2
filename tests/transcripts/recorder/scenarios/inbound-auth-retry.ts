/**
 * (f) A client with the wrong password that reconnects (as esl-lite does after a close):
 * each new connection gets its own auth/request, each wrong password the same answer and
 * a close; `auth` without a password; then the right password on the next connection.
 */
import type { RecordingScenario, ScenarioContext } from '../recording-session.js'

export const inboundAuthRetry: RecordingScenario = {
  name: 'inbound-auth-retry',
  title: 'FreeSWITCH inbound event socket: wrong password, a client that reconnects, then the right one',
  description: [
    'inb1: auth WrongPassword (FreeSWITCH closes); inb2 (reconnects at once): auth WrongPassword again;',
    'inb3: "auth" without a password, then auth WrongPassword; inb4: auth ClueCon; api version; exit.',
  ],
  extensions: () => ({}),
  async run(ctx) {
    await attempt(ctx, ['auth WrongPassword'])
    await attempt(ctx, ['auth WrongPassword'])
    await attempt(ctx, ['auth', 'auth WrongPassword'])
    const inb = await ctx.inbound()
    await inb.waitFor('auth/request', (m) => m.type === 'auth/request')
    await inb.command('auth ClueCon')
    await inb.api('version')
    await inb.command('exit')
    await inb.ended
  },
}

/** One connection: the greeting, then the commands in turn until FreeSWITCH closes. */
async function attempt(ctx: ScenarioContext, commands: string[]): Promise<void> {
  const inb = await ctx.inbound()
  await inb.waitFor('auth/request', (m) => m.type === 'auth/request')
  const replies: string[] = []
  for (const c of commands) {
    const reply = await inb.command(c)
    replies.push(`${c} -> ${reply.replyText ?? reply.type}`)
  }
  await inb.ended
  ctx.note(`${replies.join('; ')}; then FreeSWITCH closed the connection`, inb.conn)
}
