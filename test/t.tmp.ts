import { readFileSync } from 'node:fs'
import { makeProject, writeRevision, type RevisionSpec } from './helpers/project.js'
const s = JSON.parse(readFileSync('/work/shared/spec/examples/docs-branch-dependencies.json', 'utf8'))
const p = makeProject({ ...s.config, url: 'sqlite:db.sqlite' })
for (const r of s.revisions as RevisionSpec[]) writeRevision(p.root, r)
writeRevision(p.root, { revision: '2a95102259be', downRevision: '29f859a13ea', dependsOn: '55af2cb1c267', message: 'add ip account table', branchLabels: null, versionLocation: 'model/networking' })
for (const c of ['history --graph', 'upgrade 27c6a30d7c24', 'upgrade 55af2cb1c267', 'status', 'upgrade shoppingcart@head --json', 'history --graph -i']) {
  const r = await p.run(c)
  console.log('$ retort ' + c + '   [exit ' + r.code + ']')
  console.log(r.stdout)
}
p.remove()
