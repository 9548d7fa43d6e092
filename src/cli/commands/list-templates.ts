import type { CommandContext } from '../program.js'

/** `retort list-templates`: the templates `init` can use. */
export function listTemplatesCommand({ program, out, open, json, outJson }: CommandContext): void {
  program
    .command('list-templates')
    .description('list the templates init can use')
    .action(async () => {
      const retort = await open()
      if (json()) return outJson({ templates: retort.listTemplates() })
      out('Available templates:\n\n')
      for (const t of retort.listTemplates()) out(`${t.name} - ${t.description}\n`)
      out(
        "\nTemplates are used via the 'init' command, e.g.:\n\n  retort init --template generic ./migrations\n",
      )
    })
}
