// Two-factor sign-in set up from the account page with an authenticator's key, then a
// sign-in that asks for the code.
import assert from 'node:assert/strict'
import { setUp, press } from '../lib/people.mjs'
import { PASSWORD } from '../lib/server.mjs'
import { freshCode } from '../lib/totp.mjs'

export default {
  'turn on two-factor sign-in, then sign in with a code': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const { page } = ada
    await page.goto('/account/two-factor')
    await ada.look('two-factor, off')
    await page.getByLabel('Your password').fill(PASSWORD)
    await press(page, page.getByRole('button', { name: 'Set up two-factor sign-in' }))
    await ada.look('two-factor, scan the code')
    const key = (await page.locator('#totp-key').textContent()).replace(/\s/g, '')
    const used = new Set()
    await page.getByLabel('Code from the app').fill(freshCode(key, used))
    await press(page, page.getByRole('button', { name: 'Turn on two-factor sign-in' }))
    const shown = await page.textContent('main')
    assert.match(shown, /\b[a-z0-9]{5}-[a-z0-9]{5}\b/i, 'recovery codes are shown')
    const firstRecovery = shown.match(/\b[a-z0-9]{5}-[a-z0-9]{5}\b/i)[0]
    await ada.look('two-factor, recovery codes')

    await Promise.all([page.waitForURL(/signed_out/), page.getByRole('button', { name: 'Sign out' }).click()])
    await page.goto('/sign-in')
    await page.getByLabel('E-mail address').fill('ada@example.nhs.uk')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await Promise.all([page.waitForURL(/\/sign-in\/code/), page.getByRole('button', { name: 'Sign in' }).click()])
    await ada.look('sign-in code')
    await page.getByLabel('Code', { exact: true }).fill('000000')
    await press(page, page.getByRole('button', { name: 'Sign in' }))
    assert.match(page.url(), /\/sign-in\/code/, 'a wrong code is refused')
    await ada.look('sign-in code, wrong')
    // The code used at set-up works once: another the app shows signs in.
    await page.getByLabel('Code', { exact: true }).fill(freshCode(key, used))
    await Promise.all([page.waitForURL(/\/cases$/), page.getByRole('button', { name: 'Sign in' }).click()])

    // New recovery codes, then two-factor turned off with one of them.
    await page.goto('/account/two-factor')
    await ada.look('two-factor, on')
    await page.getByLabel('Your password').fill(PASSWORD)
    // The app's codes only go forward, and two are used: a recovery code from set-up.
    // Recovery codes hold letters: they have their own field, behind "Lost your phone?".
    assert.equal(await page.getByLabel('Code from your app').getAttribute('inputmode'), 'numeric')
    await page.getByText('Lost your phone? Use a recovery code').click()
    await page.getByLabel('Recovery code').fill(firstRecovery)
    await press(page, page.getByRole('button', { name: 'Make new recovery codes' }))
    const renewed = (await page.textContent('main')).match(/\b[a-z0-9]{5}-[a-z0-9]{5}\b/i)
    assert.ok(renewed, 'new recovery codes are shown')
    const recovery = renewed[0]
    assert.notEqual(recovery, firstRecovery)
    await page.goto('/account/two-factor')
    await page.getByLabel('Your password').fill(PASSWORD)
    await page.getByText('Lost your phone? Use a recovery code').click()
    await page.getByLabel('Recovery code').fill(recovery)
    await press(page, page.getByRole('button', { name: 'Turn off two-factor sign-in' }))
    await page.goto('/account/two-factor')
    assert.ok(await page.getByRole('button', { name: 'Set up two-factor sign-in' }).isVisible(), 'off again')
  },
}
