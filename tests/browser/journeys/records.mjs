// After the contact: correcting an entry (the original stays beside the correction), a
// refused correction that says why, and the ledger page an admin checks.
import assert from 'node:assert/strict'
import { setUp, signIn, openCase, logContact, press } from '../lib/people.mjs'
import { PASSWORD } from '../lib/server.mjs'

export default {
  'correct an entry, with its reason; a correction without one is refused': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient C')
    await logContact(ada, casePath, { text: 'Waited by the blue gate' })
    const { page } = ada
    await page.goto(casePath)
    await Promise.all([page.waitForURL(/\/entries\//), page.locator('main a[href^="/entries/"]').first().click()])
    await Promise.all([page.waitForURL(/\/amend$/), page.getByRole('link', { name: 'Correct this entry' }).click()])
    await ada.look('correction form')
    // The entry's own words are there to correct, in the field the log form uses.
    await page.getByLabel('What happened', { exact: true }).check()
    assert.equal(await page.getByLabel('What happened, corrected').inputValue(), 'Waited by the blue gate')
    await page.getByLabel('What happened, corrected').fill('Waited by the green gate')
    await press(page, page.getByRole('button', { name: 'Save correction' }))
    assert.ok((await page.textContent('main')).includes('There is a problem'), 'no reason, no correction')
    assert.equal(await page.getByLabel('What happened, corrected').inputValue(), 'Waited by the green gate', 'what was typed stays')
    await ada.look('correction form, refused')
    await page.getByLabel('Why are you correcting it?').fill('I misremembered the colour')
    await Promise.all([page.waitForURL(/\/entries\/[0-9a-f-]+$/), page.getByRole('button', { name: 'Save correction' }).click()])
    const entry = await page.textContent('main')
    assert.ok(entry.includes('Waited by the green gate') && entry.includes('Waited by the blue gate'), 'both stay visible')
    assert.ok(entry.includes('I misremembered the colour'))
    await ada.look('entry with a correction')

    // How it happened is corrected with the log form's choices, never a code.
    await Promise.all([page.waitForURL(/\/amend$/), page.getByRole('link', { name: 'Correct this entry' }).click()])
    await page.getByLabel('How it happened', { exact: true }).check()
    await page.locator('#value_channel-phone_call').check()
    await page.getByLabel('Why are you correcting it?').fill('It was a call, not a message')
    await Promise.all([page.waitForURL(/\/entries\/[0-9a-f-]+$/), page.getByRole('button', { name: 'Save correction' }).click()])
    assert.ok((await page.textContent('main')).includes('Phone call'), 'the new channel in words')
  },

  'an admin reads the ledger page': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient L')
    await logContact(ada, casePath, { text: 'A card through the door' })
    const { page } = ada
    await page.goto('/ledger')
    const text = await page.textContent('main')
    assert.ok(text.includes('boundary verify'), 'it says who checks the whole log, and how')
    assert.match(text, /boundary\/[0-9a-f]{8}\+[0-9a-f]{8}\+/, 'the verifier key')
    await ada.look('ledger')
  },

  'account pages: sessions, a token shown once, a new password': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const { page } = ada
    await page.goto('/account')
    await ada.look('account')
    await page.goto('/account/sessions')
    await ada.look('sessions')
    await page.goto('/account/tokens')
    await ada.look('tokens')
    await page.getByLabel('What is it for?').fill('backup script')
    await press(page, page.getByRole('button', { name: 'Make a token' }))
    const shown = await page.content()
    assert.match(shown, /bnd_[0-9a-f]{64}/, 'the token, once')
    await ada.look('tokens, one made')
    await page.goto('/account/tokens')
    assert.doesNotMatch(await page.content(), /bnd_[0-9a-f]{64}/, 'never again')
    await press(page, page.getByRole('button', { name: 'Revoke backup script' }))
    assert.ok((await page.textContent('main')).includes('Revoked'))

    // Signed in on a second device too; "every other device" signs it out.
    const phone = await newPerson()
    await signIn(phone, 'ada@example.nhs.uk')
    await page.goto('/account/sessions')
    await ada.look('sessions, two devices')
    await page.getByLabel('Your password').fill(PASSWORD)
    await press(page, page.getByRole('button', { name: 'Sign out' }).last())
    await phone.page.goto('/cases')
    assert.match(phone.page.url(), /\/sign-in\?next=%2Fcases$/, 'the other device is signed out')
    await page.goto('/account/password')
    await page.getByLabel('Your current password').fill('not my password')
    await page.getByLabel('Your new password').fill('a brand new long password')
    await press(page, page.getByRole('button', { name: 'Change password' }))
    assert.ok((await page.textContent('main')).includes('not your current password'))
    await ada.look('password, refused')
  },
}
