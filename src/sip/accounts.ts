/**
 * The operators' SIP accounts, held by the app: the agents table has each one's SIP user and
 * device secret; FreeSWITCH gets only the a1-hash (md5 of user:realm:secret) and the display
 * name, put into mod_hash on every connected switch, where freeswitch/conf/scripts/
 * sip-directory.lua finds them when a phone registers or someone dials user/<sipUser>.
 *
 * mod_hash lives in the switch's memory: a switch that (re)connects gets everything again.
 * Every change (create, patch, rotate, deactivate, reactivate) publishes the one agent;
 * publishing runs one at a time in this process, each reading the table when its turn comes,
 * so an older value never lands after a newer one.
 */
import { and, eq, isNotNull } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../db/database.js'
import { agents, type LineMode } from '../db/schema/index.js'
import type { ControlClient } from '../esl/control-client.js'
import { CommandFailed } from '../esl/results.js'
import { ha1, isSipUser, newSipSecret } from './secret.js'
import { contactCommand, domainCommand, isNotRegistered, publishCommands, withdrawCommands } from './switch-commands.js'

export interface SipAccountsOptions {
  db: Db
  /** The control connections (read when needed: the app makes them after this). */
  controls: () => ControlClient[]
  log: Logger
  /** SIP_DOMAIN: the domain phones register to; else the switch's own `domain` variable. */
  configuredDomain?: string
}

/** What the operator console's softphone needs: the digest, never the secret. */
export interface SipCredentials {
  sipUser: string
  domain: string
  /** The digest realm: the domain (the switch challenges with the From domain, challenge-realm auto_from). */
  realm: string
  ha1: string
  displayName: string
  lineMode: LineMode
}

/** A new device password, shown once to the admin who asked for it. */
export interface RotatedSecret {
  sipUser: string
  domain: string | undefined
  password: string
}

type AgentRow = Pick<typeof agents.$inferSelect, 'id' | 'name' | 'sipUser' | 'sipSecret' | 'active' | 'lineMode'>

const columns = { id: agents.id, name: agents.name, sipUser: agents.sipUser, sipSecret: agents.sipSecret, active: agents.active, lineMode: agents.lineMode }

export class SipAccounts {
  private readonly log: Logger
  private switchDomain: string | undefined
  private readonly watched = new WeakSet<ControlClient>()
  /** The publishing under way: the next waits for it. */
  private turn: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: SipAccountsOptions) {
    this.log = options.log.child({ module: 'sip-accounts' })
  }

  /** Publishes everything to each switch when its control connection comes up or back (a restarted switch has an empty hash). */
  watch(): void {
    for (const control of this.options.controls()) {
      if (this.watched.has(control)) continue
      this.watched.add(control)
      const again = (): void => {
        this.publishTo([control]).catch((err: unknown) => this.log.error({ err, node: control.node }, 'sip: publishing the accounts failed'))
      }
      control.on('up', again)
      control.on('reconnected', again)
      if (control.isUp) again()
    }
  }

  /** The SIP domain: SIP_DOMAIN, else asked once from a connected switch; undefined while none answers. */
  async domain(): Promise<string | undefined> {
    if (this.options.configuredDomain) return this.options.configuredDomain
    if (this.switchDomain) return this.switchDomain
    for (const control of this.up()) {
      const r = await control.api(domainCommand)
      if (r instanceof CommandFailed || !r.ok) continue
      const d = r.text.trim()
      if (/^[A-Za-z0-9._:-]{1,255}$/.test(d)) return (this.switchDomain = d)
      this.log.warn({ node: control.node, answer: d }, "sip: the switch's domain variable is not a host name; set SIP_DOMAIN")
    }
    return undefined
  }

  /** Every active agent's account on every connected switch; answers how many accounts. */
  publishAll(): Promise<number> {
    return this.publishTo(this.up())
  }

  /** The agent's account as it now is: published when active with a SIP user and secret, else withdrawn. */
  publish(agentId: string): Promise<void> {
    return this.inTurn(async () => {
      const [row] = await this.options.db.select(columns).from(agents).where(eq(agents.id, agentId))
      if (!row?.sipUser) return
      if (!row.active || !row.sipSecret) return this.send(this.up(), withdrawCommands(row.sipUser), row.sipUser)
      const domain = await this.domain()
      if (!domain) return this.noDomain()
      await this.send(this.up(), this.commandsFor(row, domain), row.sipUser)
    })
  }

  /** Takes an account off every connected switch (a changed SIP user's old one). */
  withdraw(sipUser: string): Promise<void> {
    return this.inTurn(() => this.send(this.up(), withdrawCommands(sipUser), sipUser))
  }

  /** A new device secret for the agent's account, published at once: the old one stops working. */
  async rotate(agentId: string): Promise<RotatedSecret | 'unknown-agent' | 'no-sip-account'> {
    const password = newSipSecret()
    const [row] = await this.options.db
      .update(agents)
      .set({ sipSecret: password })
      .where(and(eq(agents.id, agentId), isNotNull(agents.sipUser)))
      .returning({ sipUser: agents.sipUser })
    if (!row?.sipUser) {
      const [agent] = await this.options.db.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId))
      return agent ? 'no-sip-account' : 'unknown-agent'
    }
    await this.publish(agentId)
    return { sipUser: row.sipUser, domain: await this.domain(), password }
  }

  /** The softphone's credentials of an active agent with an account; undefined without one (or while the domain is unknown). */
  async credentials(agentId: string): Promise<SipCredentials | undefined> {
    const [row] = await this.options.db.select(columns).from(agents).where(eq(agents.id, agentId))
    if (!row?.active || !row.sipUser || !row.sipSecret) return undefined
    const domain = await this.domain()
    if (!domain) return undefined
    return { sipUser: row.sipUser, domain, realm: domain, ha1: ha1(row.sipUser, domain, row.sipSecret), displayName: row.name, lineMode: row.lineMode }
  }

  /** Whether a phone is registered as `sipUser` on any connected switch; undefined when no switch answers. */
  async registration(sipUser: string): Promise<boolean | undefined> {
    if (!isSipUser(sipUser)) return false
    const domain = await this.domain()
    if (!domain) return undefined
    let answered = false
    for (const control of this.up()) {
      const r = await control.api(contactCommand(sipUser, domain))
      if (r instanceof CommandFailed) continue
      answered = true
      if (r.ok && !isNotRegistered(r.text)) return true
    }
    return answered ? false : undefined
  }

  private publishTo(controls: ControlClient[]): Promise<number> {
    return this.inTurn(async () => {
      if (controls.length === 0) return 0
      const rows = await this.options.db
        .select(columns)
        .from(agents)
        .where(and(eq(agents.active, true), isNotNull(agents.sipUser), isNotNull(agents.sipSecret)))
      // No account, not a word to the switch (a connection's first commands stay the app's usual ones).
      if (rows.length === 0) return 0
      const domain = await this.domain()
      if (!domain) {
        this.noDomain()
        return 0
      }
      for (const row of rows) await this.send(controls, this.commandsFor(row, domain), row.sipUser!)
      this.log.info({ accounts: rows.length, nodes: controls.map((c) => c.node) }, 'sip: accounts published')
      return rows.length
    })
  }

  private commandsFor(row: AgentRow, domain: string): string[] {
    return publishCommands(row.sipUser!, ha1(row.sipUser!, domain, row.sipSecret!), row.name)
  }

  /** Sends the commands to each switch; a failure is logged (the next (re)connection publishes again), not thrown. */
  private async send(controls: ControlClient[], commands: string[], sipUser: string): Promise<void> {
    for (const control of controls) {
      for (const command of commands) {
        const r = await control.api(command)
        // Deleting what is not there answers "-ERR Not found": nothing to do.
        if (r instanceof CommandFailed || (!r.ok && !/not found/i.test(r.text))) {
          this.log.error({ node: control.node, sipUser, command: command.split('/').slice(0, 3).join('/'), answer: r instanceof CommandFailed ? r.reply : r.text }, 'sip: the switch refused an account command')
        }
      }
    }
  }

  private noDomain(): void {
    this.log.warn('sip: no SIP domain yet (SIP_DOMAIN unset and no switch connected): accounts are published when a switch connects')
  }

  private up(): ControlClient[] {
    return this.options.controls().filter((c) => c.isUp)
  }

  private inTurn<T>(job: () => Promise<T>): Promise<T> {
    const next = this.turn.then(job, job)
    this.turn = next.catch(() => {})
    return next
  }
}
