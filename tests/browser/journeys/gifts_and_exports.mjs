// The gift register (a refused entry that keeps what was typed, then a declined gift),
// and the evidence pack downloaded from the case page.
import assert from 'node:assert/strict'
import { setUp, openCase, logContact, press } from '../lib/people.mjs'

export default {
  'record a declined gift; a gift without a decision is refused': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Mr Jones')
    const { page } = ada
    await page.goto('/gifts')
    await ada.look('gifts')
    await page.getByLabel('Date offered').fill('2026-11-20')
    await page.getByLabel('Who offered it').fill('Mr Jones')
    await page.locator('#donor_is-other').check()
    await page.getByLabel('What was it').fill('A bottle of wine')
    await page.getByLabel('Estimated value in pounds').fill('25')
    await press(page, page.getByRole('button', { name: 'Record the gift' }))
    const refused = await page.textContent('main')
    assert.ok(refused.includes('Say what was done with it'), 'no decision, no record')
    assert.equal(await page.getByLabel('What was it').inputValue(), 'A bottle of wine', 'what was typed stays')
    await ada.look('gifts, refused')
    await page.locator('#decision-declined').check()
    await page.getByLabel('Why').fill('Gifts from this person are not accepted')
    await press(page, page.getByRole('button', { name: 'Record the gift' }))
    await ada.look('gifts, one recorded')
    // The donor has the name of a case's person: Boundary asks whether it was them.
    await press(page, page.getByRole('button', { name: 'It was Mr Jones: add it to the case' }))
    await page.goto(casePath)
    assert.ok((await page.textContent('main')).includes('A bottle of wine'), 'on the case too')
    await page.goto('/gifts')
    const register = await page.textContent('main')
    assert.ok(register.includes('A bottle of wine') && register.includes('Declined'), register)
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /spreadsheet/ }).click()])
    const { readFileSync } = await import('node:fs')
    assert.ok(readFileSync(await csv.path(), 'utf8').includes('A bottle of wine'), 'the register as CSV')
  },

  'download the evidence pack from the case page': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient E')
    await logContact(ada, casePath, { text: 'Left a note on the windscreen' })
    const { page } = ada
    await page.goto(casePath)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ])
    const path = await download.path()
    const { readFileSync } = await import('node:fs')
    const bytes = readFileSync(path)
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', 'a PDF')
    assert.match(download.suggestedFilename(), /\.pdf$/)
  },

  // A server told not to wait sends every export to its progress page, as a slow one would.
  'a slow evidence pack: its progress page, then its download': Object.assign(async ({ server, newPerson, js }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient S')
    await logContact(ada, casePath, { text: 'Phoned the surgery twelve times' })
    const { page } = ada
    await page.goto(casePath)
    await Promise.all([
      page.waitForURL(/\/exports\/[^/]+$/),
      page.getByRole('button', { name: 'Download' }).click(),
    ])
    await ada.look('export progress')
    const button = page.getByRole('link', { name: /^Download .*\.pdf$/ })
    if (js) {
      // The page looks again by itself, without reloading.
      await button.waitFor({ timeout: 20000 })
    } else {
      for (let i = 0; i < 20 && !(await button.isVisible()); i++) {
        await page.waitForTimeout(500)
        await page.getByRole('link', { name: 'Look again now' }).click().catch(() => {})
      }
    }
    await ada.look('export ready')
    assert.ok((await page.textContent('main')).includes('It is ready'))
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()])
    const { readFileSync } = await import('node:fs')
    assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-', 'a PDF')
    await page.goto(casePath)
    assert.ok((await page.textContent('main')).includes('Phoned the surgery twelve times'), 'back on the case')
  }, { serverArgs: ['--export-wait', '0'] }),
}
