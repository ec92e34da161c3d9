// Boundary's browser suite: every journey in real Chromium, with JavaScript on and off,
// at phone size and on a desktop, against a real server on a fresh data folder each
// time; axe-core looks at every page a journey stops on. Prints one closing line with
// how many passed and failed, and exits 1 if any failed.
//
//   BOUNDARY_BIN=target/debug/boundary node tests/browser/run.mjs [name filter]
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readdirSync } from 'node:fs'
import { startServer } from './lib/server.mjs'
import { launch, person } from './lib/browser.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = resolve(process.env.BOUNDARY_BIN || resolve(here, '../../target/debug/boundary'))
const filter = process.argv[2] || ''

const journeys = []
for (const file of readdirSync(resolve(here, 'journeys')).filter((f) => f.endsWith('.mjs')).sort()) {
  const mod = (await import(resolve(here, 'journeys', file))).default
  for (const [name, run] of Object.entries(mod)) journeys.push({ file, name, run })
}

// JavaScript on at phone size, off at phone size (a locked-down phone), on at a desk, and
// at a desk with the keyboard alone (every control reached with Tab; see lib/keyboard.mjs).
const MODES = [
  { js: true, size: 'phone' },
  { js: false, size: 'phone' },
  { js: true, size: 'desktop' },
  { js: true, size: 'desktop', keyboard: true },
]

// Which of the router's page routes (BOUNDARY_ROUTES: "METHOD /path/{param}" a line) some
// journey reached in the browser; the API, assets and the operator's endpoints are not pages.
const pageRoutes = process.env.BOUNDARY_ROUTES
  ? (await import('node:fs')).readFileSync(process.env.BOUNDARY_ROUTES, 'utf8').split('\n')
      .filter((l) => l && !/ \/(api|assets)\/|\/(healthz|metrics)$| \/$/.test(l))
  : []
const asPattern = (route) => {
  const [method, path] = route.split(' ')
  return new RegExp(`^${method} ${path.replace(/\{\*?[a-z_]+\}/g, '[^/]+')}$`)
}
const visited = new Set()

const browser = await launch()
let passed = 0
let failed = 0
let skipped = 0
for (const j of journeys) {
  for (const mode of MODES) {
    const title = `${j.file.replace('.mjs', '')}: ${j.name} [JavaScript ${mode.js ? 'on' : 'off'}, ${mode.size}${mode.keyboard ? ', keyboard only' : ''}]`
    if (!title.includes(filter)) continue
    const server = await startServer(bin, j.run.serverArgs || [])
    const people = []
    const newPerson = async () => {
      const p = await person(browser, { ...mode, base: server.base })
      people.push(p)
      return p
    }
    try {
      const outcome = await j.run({ server, newPerson, browser, ...mode })
      const found = people.flatMap((p) => p.found)
      if (found.length) throw new Error(`axe found ${found.length} problem(s):\n    ${found.join('\n    ')}`)
      if (typeof outcome === 'string') {
        skipped++
        console.log(`skip  ${title}: ${outcome}`)
      } else {
        passed++
        console.log(`ok    ${title}`)
      }
    } catch (e) {
      failed++
      console.log(`FAIL  ${title}\n    ${String(e.stack || e).split('\n').slice(0, 6).join('\n    ')}`)
    } finally {
      for (const p of people) for (const v of p.visited) visited.add(v)
      for (const p of people) await p.close().catch(() => {})
      await server.stop()
    }
  }
}
await browser.close()
if (pageRoutes.length && !filter) {
  const missed = pageRoutes.filter((r) => ![...visited].some((v) => asPattern(r).test(v)))
  console.log(`pages reached: ${pageRoutes.length - missed.length} of ${pageRoutes.length} routes; not reached by any journey: ${missed.join(', ') || 'none'}`)
  // A page no journey reaches is a page no browser has checked: that fails the suite.
  if (missed.length) {
    failed++
    console.log(`FAIL  every page route reached by some journey`)
  }
}
console.log(`browser suite: ${passed} passed, ${failed} failed, ${skipped} not applicable`)
process.exit(failed ? 1 : 0)
