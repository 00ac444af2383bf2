/**
 * The command line of every command (src/cli, src/main.ts, scripts, bench): `--help` prints
 * the usage and exits 0 before any work starts; a mistake prints what is wrong and how to see
 * the options, and exits 2, without a stack trace (it is the user's typo, not our bug).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** With `--help` or `-h` among the arguments: the usage on stdout, exit 0. */
export function exitWithHelp(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!argv.some((a) => a === '--help' || a === '-h')) return
  process.stdout.write(`${usage.trim()}\n`)
  process.exit(0)
}

/** A mistake on the command line (or in its settings): said plainly, exit 2. */
export function exitWithUsageError(command: string, message: string): never {
  console.error(`${command}: ${message}\n(${command} --help lists the options)`)
  process.exit(2)
}

/** node:util parseArgs behind --help, with its errors ("Unknown option '--x'") said plainly. */
export function parseCommandLine<T extends ParseArgsConfig>(command: string, usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  exitWithHelp(usage, config.args ?? process.argv.slice(2))
  try {
    return parseArgs(config)
  } catch (err) {
    exitWithUsageError(command, (err as Error).message)
  }
}
