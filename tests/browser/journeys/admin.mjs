// The organisation's admin: a new invitation link, roles, deactivating and reactivating
// someone, requiring two-factor sign-in, the practice's letter wording — and an auditor
// reading the access audit.
import assert from 'node:assert/strict'
import { setUp, signIn, press } from '../lib/people.mjs'
import { PASSWORD } from '../lib/server.mjs'

export default {
  'manage people and settings; an auditor reads the audit': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    // An auditor and a colleague, added by whoever runs the server.
    server.command('user', 'add', '--email', 'aud@example.nhs.uk', '--name', 'Aud Itor', '--org', 'Riverside Surgery', '--role', 'auditor', '--password-stdin', { stdin: PASSWORD })
    server.command('user', 'add', '--email', 'cat@example.nhs.uk', '--name', 'Cat Jones', '--org', 'Riverside Surgery', '--role', 'clinician')
    const { page } = ada
    await page.goto('/admin/members')
    await ada.look('people')
    // Cat has not joined yet: a fresh link for her.
    await press(page, page.getByRole('button', { name: 'New invitation link for Cat Jones' }))
    assert.match(await page.locator('#invite-link').inputValue(), /\/password\/[0-9a-f]{64}$/)
    // The auditor becomes a manager too, is deactivated and reactivated.
    await page.getByRole('group', { name: 'Roles of Aud Itor' }).getByLabel('Line manager').check()
    await press(page, page.getByRole('button', { name: 'Save roles of Aud Itor' }))
    assert.ok(await page.getByRole('group', { name: 'Roles of Aud Itor' }).getByLabel('Line manager').isChecked())
    await press(page, page.getByRole('button', { name: 'Deactivate Aud Itor' }))
    await press(page, page.getByRole('button', { name: 'Reactivate Aud Itor' }))
    await ada.look('people, after changes')

    await page.goto('/admin/letters')
    await ada.look('letter wording')
    const box = page.locator('textarea[name=text]').first()
    await box.fill(`${await box.inputValue()}\n\nRiverside Surgery, 1 High Street`)
    await press(page, page.getByRole('button', { name: 'Save the wording' }).first())
    assert.ok((await page.locator('textarea[name=text]').first().inputValue()).includes('1 High Street'))
    await press(page, page.getByRole('button', { name: "Go back to Boundary's wording" }).first())
    assert.ok(!(await page.locator('textarea[name=text]').first().inputValue()).includes('1 High Street'))

    const aud = await newPerson()
    await signIn(aud, 'aud@example.nhs.uk')
    await aud.page.goto('/audit')
    await aud.look('audit')
    await aud.page.getByLabel("Only this person's e-mail address (optional)").fill('ada@example.nhs.uk')
    await press(aud.page, aud.page.getByRole('button', { name: 'Show' }))
    assert.match(aud.page.url(), /member=ada%40example\.nhs\.uk/)
    await aud.look('audit, one person')

    // Last, as it sends the admin herself to set two-factor sign-in up before anything else.
    await page.goto('/admin/members')
    await press(page, page.getByRole('button', { name: 'Require it for everyone' }))
    assert.match(page.url(), /\/account\/two-factor/)
    assert.ok((await page.textContent('main')).includes('Riverside Surgery requires two-factor sign-in'))
    await ada.look('two-factor required')
  },
}
