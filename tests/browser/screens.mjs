// Screenshots of the pages that matter most at the worst moment, at phone width, for a
// person to look at: the log form, the case page with a few contacts, Quick exit.
//
//   BOUNDARY_BIN=target/debug/boundary node tests/browser/screens.mjs OUT_DIR
import { resolve, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mkdirSync } from 'node:fs'
import { startServer } from './lib/server.mjs'
import { launch, person } from './lib/browser.mjs'
import { setUp, openCase, logContact } from './lib/people.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const bin = resolve(process.env.BOUNDARY_BIN || resolve(here, '../../target/debug/boundary'))
const out = resolve(process.argv[2] || 'screens')
mkdirSync(out, { recursive: true })

const server = await startServer(bin)
const browser = await launch()
const ada = await person(browser, { js: true, size: 'phone', base: server.base })
const { page } = ada
await setUp(ada, server)
const casePath = await openCase(ada, 'Patient K')
await page.goto(`${casePath}/log`)
await page.screenshot({ path: join(out, 'log-form.png'), fullPage: true })
for (const [text, channel] of [
  ['Sent a friend request on Facebook', 'Social media friend or follow request'],
  ['Fourteen messages overnight asking to meet', 'Text or WhatsApp message'],
  ['Waiting by my car after evening surgery', 'At my workplace'],
]) await logContact(ada, casePath, { text, channel })
await page.goto(casePath)
await page.screenshot({ path: join(out, 'case-page.png'), fullPage: true })
await page.screenshot({ path: join(out, 'case-page-first-screen.png') })
await page.getByRole('button', { name: 'Quick exit' }).click()
await page.waitForURL(/bbc/)
await page.goBack().catch(() => {})
await page.waitForLoadState()
await page.screenshot({ path: join(out, 'after-quick-exit-and-back.png') })
await browser.close()
await server.stop()
console.log(`screenshots in ${out}`)
