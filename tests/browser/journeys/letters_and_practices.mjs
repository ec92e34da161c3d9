// A warning letter drafted from the case, changed and kept; and a doctor who works in two
// practices, who joins the second from its invitation while signed in and switches.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { setUp, signIn, openCase, press } from '../lib/people.mjs'
import { PASSWORD } from '../lib/server.mjs'

export default {
  'draft a warning letter, change it and keep it': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const casePath = await openCase(ada, 'Patient Letter')
    const { page } = ada
    await page.goto(`${casePath}/advice`)
    await Promise.all([page.waitForURL(/letters\/new/), page.getByRole('link', { name: 'Draft a warning letter to the patient' }).click()])
    await ada.look('letter draft')
    const box = page.getByLabel('The letter')
    await box.fill(`${await box.inputValue()}\n\nPlease contact the practice manager, not me.`)
    await press(page, page.getByRole('button', { name: 'Keep this letter' }))
    assert.match(page.url(), /\/advice/)
    await page.getByText(/Warning letter/i).first().click()
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as a text file' }).click()])
    assert.ok(readFileSync(await file.path(), 'utf8').includes('Please contact the practice manager, not me.'))
    await ada.look('advice, a letter kept')
  },

  'a doctor in two practices accepts the second and switches between them': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    await openCase(ada, 'Riverside patient')
    // Hillside, set up by whoever runs the server; its admin invites Ada on the page.
    server.command('org', 'add', 'Hillside Surgery')
    server.command('user', 'add', '--email', 'hal@example.nhs.uk', '--name', 'Hal', '--org', 'Hillside Surgery', '--role', 'admin', '--password-stdin', { stdin: PASSWORD })
    const hal = await newPerson()
    await signIn(hal, 'hal@example.nhs.uk')
    await hal.page.goto('/admin/members')
    const form = hal.page.locator('form[action="/admin/members#invitation"]')
    await form.getByLabel('Their e-mail address').fill('ada@example.nhs.uk')
    await form.getByLabel('Their name').fill('Dr A Patel')
    await form.getByLabel('Clinician', { exact: true }).check()
    await press(hal.page, form.getByRole('button'))
    const link = new URL(await hal.page.locator('#invite-link').inputValue()).pathname

    // Ada, signed in, opens the link and accepts; she is in Hillside now.
    await ada.page.goto(link)
    await ada.look('accept an invitation')
    await press(ada.page, ada.page.getByRole('button', { name: 'Accept and join Hillside Surgery' }))
    assert.ok((await ada.page.textContent('body')).includes('Hillside Surgery'))
    assert.ok(!(await ada.page.textContent('main')).includes('Riverside patient'), 'each practice its own cases')
    await ada.page.goto('/account')
    await ada.look('account, two practices')
    await press(ada.page, ada.page.getByRole('button', { name: 'Switch to Riverside Surgery' }))
    await ada.page.goto('/cases')
    assert.ok((await ada.page.textContent('main')).includes('Riverside patient'))
  },
}
