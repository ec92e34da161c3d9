// The log form at the moment it is used: a doctor on a phone, late, shaken. It is
// measured as they would feel it (how many taps, how far down the button is) and must
// not lose what was typed when the session ends or when something is refused.
import assert from 'node:assert/strict'
import { setUp, openCase, press } from '../lib/people.mjs'
import { PASSWORD } from '../lib/server.mjs'

const MESSAGE = 'I KNOW WHERE YOU LIVE. I saw your car outside at 10.'

export default {
  'log a contact in five taps, its button within reach': async ({ server, newPerson, js, size, keyboard }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient Q')
    const { page } = ada
    await page.goto(`${casePath}/log`)
    await ada.look('log form')
    const form = await page.evaluate(() => {
      const button = document.querySelector('form[action$="/entries"] button[type=submit]')
      const box = button.getBoundingClientRect()
      const shown = (el) => el.getClientRects().length > 0
      const above = [...document.querySelectorAll('form[action$="/entries"] :is(input, textarea, select, summary)')]
        .filter((el) => el.type !== 'hidden' && shown(el) && el.getBoundingClientRect().top < box.top)
      return { bottom: box.bottom + window.scrollY, screen: window.innerHeight, controls: above.length }
    })
    // Tap the box and type, tap how, tap when, tap the button: the fewest a contact can take.
    let taps = 0
    const tap = async (locator) => { taps++; await locator.click() }
    await tap(page.getByLabel('What happened?'))
    await page.keyboard.type(MESSAGE)
    await tap(page.getByLabel('Text or WhatsApp message', { exact: true }))
    await tap(page.getByLabel('Just now, in the last few minutes'))
    await Promise.all([page.waitForURL(/\?logged=/), tap(page.getByRole('button', { name: 'Log this contact' }).first())])
    const screens = form.bottom / form.screen
    console.log(`      measured [${js ? 'JS on' : 'JS off'}, ${size}${keyboard ? ', keyboard only' : ''}]: ${taps} ${keyboard ? 'controls used' : 'taps'}, 1 field typed, 1 screen after the case page; ` +
      `the button ${Math.round(form.bottom)} px down (${screens.toFixed(1)} screens), ${form.controls} controls above it`)
    if (size === 'phone') assert.ok(screens <= 2.5, `the button is ${screens.toFixed(1)} screens down`)
    const logged = await page.textContent('main')
    assert.ok(logged.includes('Contact 1 logged'))
    assert.ok(logged.includes(MESSAGE))
    assert.ok(logged.includes('1. Text or WhatsApp message'), 'the channel chosen is the one kept')
    await ada.look('case page, contact logged')
  },

  'earlier today at a time; a time still to come is refused with everything kept': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient T')
    const { page } = ada
    await page.goto(`${casePath}/log`)
    await page.getByLabel('What happened?').fill('Waiting by my car after evening surgery')
    await page.getByLabel('At or near my home', { exact: true }).check()
    await page.getByLabel('Earlier today').check()
    // Two hours from now, UK time, if that is still today: still to come, so refused.
    const uk = (t) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t)
    const ukDay = (t) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(t)
    const now = new Date()
    const later = new Date(now.getTime() + 2 * 3600 * 1000)
    const earlier = new Date(now.getTime() - 2 * 3600 * 1000)
    await page.getByText(/^More detail \(optional\)/).click()
    await page.getByLabel('Where').fill('Staff car park')
    if (ukDay(later) === ukDay(now)) {
      await page.getByLabel('At what time').fill(uk(later))
      await press(page, page.getByRole('button', { name: 'Log this contact' }).first())
      assert.ok((await page.textContent('main')).includes('There is a problem'))
      assert.equal(await page.getByLabel('What happened?').inputValue(), 'Waiting by my car after evening surgery')
      assert.equal(await page.getByLabel('Where').inputValue(), 'Staff car park', 'more detail stays open with what was typed')
      assert.ok(await page.getByLabel('Earlier today').isChecked())
      await ada.look('log form, a time to come')
    }
    // Two hours ago, if that was today; otherwise the first minute of today.
    await page.getByLabel('At what time').fill(ukDay(earlier) === ukDay(now) ? uk(earlier) : '00:00')
    await press(page, page.getByRole('button', { name: 'Log this contact' }).first())
    assert.ok((await page.textContent('main')).includes('Contact 1 logged'))
  },

  'the session ends while typing: signing in again comes back to the form, the text with it': Object.assign(async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient D')
    const { page } = ada
    await page.goto(`${casePath}/log`)
    await page.getByLabel('What happened?').fill(MESSAGE)
    await page.getByLabel('Phone call', { exact: true }).check()
    await page.getByLabel('Just now, in the last few minutes').check()
    // The session ends while the form is open: this server ends one idle for a minute.
    await page.waitForTimeout(61_000)
    await press(page, page.getByRole('button', { name: 'Log this contact' }).first())
    assert.match(page.url(), /\/sign-in\?next=/)
    assert.ok((await page.textContent('main')).includes('Your session ended'))
    await ada.look('sign-in, session ended')
    await page.getByLabel('E-mail address').fill('ada@example.nhs.uk')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await press(page, page.getByRole('button', { name: 'Sign in' }))
    assert.equal(new URL(page.url()).pathname, `${casePath}/log`, 'back on the form')
    // With a script the browser kept a copy; without one the server held it. Either way:
    assert.equal(await page.getByLabel('What happened?').inputValue(), MESSAGE, 'the text is back')
    assert.ok(await page.getByLabel('Phone call', { exact: true }).isChecked())
    assert.match(await page.textContent('main'), /What you typed (before )?is back/)
    // "Just now" is no longer now: it comes back as the time it was typed.
    assert.ok(!(await page.getByLabel('Just now, in the last few minutes').isChecked()), 'not silently now')
    if (await page.getByLabel('Earlier today').isChecked()) {
      assert.match(await page.getByLabel('At what time').inputValue(), /^\d\d:\d\d$/)
    } else {
      await page.getByLabel('Just now, in the last few minutes').check()
    }
    await ada.look('log form, draft back')
    await press(page, page.getByRole('button', { name: 'Log this contact' }).first())
    assert.ok((await page.textContent('main')).includes('Contact 1 logged'))
    // Logged, the copy is gone: the form is empty next time.
    await page.goto(`${casePath}/log`)
    assert.equal(await page.getByLabel('What happened?').inputValue(), '')
  }, { serverArgs: ['--session-idle-minutes', '1'] }),
}
