import type { CommandContext } from '../program.js'
import { actionLine } from '../program.js'

/** `retort init [directory]`: scaffold the config, the migrations folder and its template. */
export function initCommand({ program, out, open, json, outJson }: CommandContext): void {
  program
    .command('init')
    .description('create the config, the migrations folder and the revision template')
    .argument('[directory]', 'migrations folder', 'migrations')
    .option('-t, --template <name>', 'template to use', 'generic')
    .action(async (directory: string, flags: { template: string }) => {
      const retort = await open()
      const result = await retort.init({ directory, template: flags.template })
      if (json()) return outJson(result)
      for (const a of result.actions) out(actionLine(a))
      out(
        `Please edit configuration/connection/logging settings in ${result.configPath} before proceeding.\n`,
      )
    })
}
