import type { Argument, Command } from 'commander'

/**
 * Help that a newcomer can use: every command's help lists the global
 * options, optional arguments are written `[name]` and required ones
 * `<name>`, and a usage error prints one line and where to find help
 * instead of the whole help text. Call before adding commands (settings are
 * inherited when a command is created).
 */
export function configureHelp(program: Command): void {
  program.configureHelp({
    showGlobalOptions: true,
    argumentTerm: (argument: Argument) => {
      const name = argument.name() + (argument.variadic ? '...' : '')
      return argument.required ? `<${name}>` : `[${name}] (optional)`
    },
  })
  program.showHelpAfterError("(run 'retort --help' for usage)")
}

/** After the commands are added: each usage error points at its own command's help. */
export function pointToCommandHelp(program: Command): void {
  for (const command of program.commands) {
    command.showHelpAfterError(`(run 'retort ${command.name()} --help' for usage)`)
  }
}
