/**
 * The database schema (drizzle-orm), one file per area. Migrations in drizzle/ are
 * generated from it with `npm run db:generate`; never edit a generated migration by hand.
 */
export * from './calls.js'
export * from './people.js'
export * from './client-imports.js'
export * from './campaigns.js'
export * from './users.js'
export * from './reasons.js'
export * from './queues.js'
export * from './supervision.js'
