// Quick exit: one press leaves for a neutral page and ends the session on the server,
// with or without JavaScript; Back shows no case; typing never sets it off.
import assert from 'node:assert/strict'
import { setUp, openCase } from '../lib/people.mjs'

async function signedOut (p) {
  const probe = await p.context.newPage()
  await probe.goto('/cases')
  const out = new URL(probe.url()).pathname === '/sign-in'
  await probe.close()
  return out
}

export default {
  'quick exit leaves at once and ends the session': async ({ server, newPerson, js }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient Q')
    await ada.page.getByRole('button', { name: 'Quick exit' }).click()
    await ada.page.waitForURL('https://www.bbc.co.uk/**', { timeout: 10000 })
    // The server, not only the browser, has ended the session (the beacon may land just
    // after the page has gone).
    let out = false
    for (let i = 0; i < 40 && !out; i++) {
      out = await signedOut(ada)
      if (!out) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.ok(out, `the session is over on the server (JavaScript ${js ? 'on' : 'off'})`)
    await ada.page.goBack().catch(() => {})
    const shown = await ada.page.content()
    assert.ok(!shown.includes('Patient Q'), `Back shows no case: ${ada.page.url()}`)
    void casePath
  },

  'typing capitals, Shift+Tab and a held Shift never leave the page': async ({ server, newPerson, js }) => {
    if (!js) return 'the shortcut needs JavaScript'
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient S')
    const { page } = ada
    await page.goto(`${casePath}/log`)
    const box = page.getByLabel('What happened?')
    await box.click()
    await page.keyboard.type('I KNOW WHERE YOU LIVE')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.down('Shift')
    await page.keyboard.down('Shift')
    await page.keyboard.down('Shift')
    await page.keyboard.up('Shift')
    await page.waitForTimeout(200)
    assert.match(page.url(), /\/log$/, 'still on the form')
    assert.equal(await box.inputValue(), 'I KNOW WHERE YOU LIVE', 'nothing typed was lost')
    // Three presses of Shift alone do leave (after a pause: letting go of the held Shift
    // was a press of its own).
    await page.waitForTimeout(1600)
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift')
    await page.waitForURL('https://www.bbc.co.uk/**', { timeout: 10000 })
  },
}
