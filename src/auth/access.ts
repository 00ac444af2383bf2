/**
 * Who is asking, and what a route allows. Every route declares its access: 'public',
 * 'authenticated' (any logged-in user) or the roles it admits. Routes that act for an agent
 * also ask `actsFor`: an operator only for their own agent, a supervisor or admin for anyone.
 */
import type { Role } from '../db/schema/index.js'
import type { Language } from '../web/i18n.js'

export interface Principal {
  userId: number
  username: string
  role: Role
  /** The agent an operator works as. */
  agentId: string | null
  /** The language of their pages (src/web/i18n.ts); English when not known. */
  language?: Language
  /** How the request proved it: the session cookie (pages) or a bearer token (programs). */
  via: 'cookie' | 'bearer'
  /** The session's id (hash of its token), for logout, and when it ends (ms). */
  sessionId: string
  expiresAt: number
}

export type Access = 'public' | 'authenticated' | readonly Role[]

/** Roles grouped as the routes use them. */
export const ADMIN: readonly Role[] = ['admin']
export const SUPERVISORS: readonly Role[] = ['admin', 'supervisor']
export const DESK: readonly Role[] = ['admin', 'supervisor', 'operator']
export const CAMPAIGN_WRITERS: readonly Role[] = ['admin', 'campaign-manager']
export const CAMPAIGN_READERS: readonly Role[] = ['admin', 'campaign-manager', 'supervisor']

export function admits(access: Access, who: Principal | null): boolean {
  if (access === 'public') return true
  if (!who) return false
  return access === 'authenticated' || access.includes(who.role)
}

/** Whether `who` may act as, or see the figures and calls of, `agentId`. */
export function actsFor(who: Principal, agentId: string): boolean {
  if (who.role === 'admin' || who.role === 'supervisor') return true
  return who.role === 'operator' && who.agentId !== null && who.agentId === agentId
}
