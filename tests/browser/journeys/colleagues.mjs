// A practice manager joins from the admin's invitation in a browser of their own, and
// sees the case the doctor shares with them — and only that.
import assert from 'node:assert/strict'
import { setUp, openCase, logContact, press } from '../lib/people.mjs'

/** The admin invites someone on the People page; returns the link shown. */
async function invite (p, { email, name, role }) {
  const { page } = p
  await page.goto('/admin/members')
  await p.look('people')
  const form = page.locator('form[action="/admin/members#invitation"]')
  await form.getByLabel('Their e-mail address').fill(email)
  await form.getByLabel('Their name').fill(name)
  await form.getByLabel(role, { exact: true }).check()
  await press(page, form.getByRole('button'))
  await p.look('people, invitation made')
  return page.locator('#invite-link').inputValue()
}

export default {
  'a manager joins from an invitation and sees what is shared with them': async ({ server, newPerson }) => {
    const ada = await newPerson()
    await setUp(ada, server)
    const link = await invite(ada, { email: 'bob@example.nhs.uk', name: 'Bob Marsh', role: 'Line manager' })
    assert.match(link, /\/password\/[0-9a-f]{64}$/)

    // Bob, in his own browser: the page says who invited him, to what.
    const bob = await newPerson()
    await bob.page.goto(new URL(link).pathname)
    assert.ok((await bob.page.textContent('main')).includes('Dr Ada Patel of Riverside Surgery has invited you'))
    await bob.look('choose a password')
    await bob.page.getByLabel('Password').fill('plum orchard in winter')
    await Promise.all([bob.page.waitForURL(/\/(cases|shared)/), bob.page.getByRole('button', { name: 'Save password and join' }).click()])
    // His home says what is shared with him: nothing yet.
    await bob.page.goto('/')
    assert.ok((await bob.page.textContent('main')).includes('No one has shared a case with you yet'))
    await bob.look('a manager\'s home, nothing shared')

    // Ada shares one case with him to read; another stays hers alone.
    const shared = await openCase(ada, 'Patient Shared')
    await logContact(ada, shared, { channel: 'At or near my home', text: 'Waiting outside my house at night' })
    assert.ok((await ada.page.textContent('main')).includes('Think about escalating'), 'a prompt for Ada')
    await openCase(ada, 'Patient Private')
    await ada.page.goto(shared)
    await ada.page.getByLabel('Their e-mail address').fill('bob@example.nhs.uk')
    await ada.page.getByLabel('See the case', { exact: true }).check()
    await press(ada.page, ada.page.getByRole('button', { name: 'Share' }))
    await ada.look('case page, shared')

    await bob.page.goto('/')
    const home = await bob.page.textContent('main')
    assert.ok(home.includes('Cases shared with you') && home.includes('Patient Shared'), home)
    await bob.page.goto('/shared')
    const list = await bob.page.textContent('main')
    assert.ok(list.includes('Patient Shared'), list)
    assert.ok(!list.includes('Patient Private'), 'only what was shared')
    await bob.look('shared with me')
    await Promise.all([bob.page.waitForURL(/\/cases\//), bob.page.getByRole('link', { name: 'Patient Shared' }).click()])
    await bob.look('case page as a manager')
    const asBob = await bob.page.textContent('main')
    assert.ok(asBob.includes('Prompts for the doctor who keeps this case') && !asBob.includes('Think about escalating'), 'prompts are the doctor\'s, and say so')
    assert.equal(await bob.page.getByRole('link', { name: 'Log a contact' }).count(), 0, 'reading only')

    // Ada ends his access; it ends at once.
    await ada.page.goto(shared)
    await press(ada.page, ada.page.getByRole('button', { name: /End access/ }))
    await bob.page.goto('/shared')
    assert.ok(!(await bob.page.textContent('main')).includes('Patient Shared'), 'access ended')
  },
}
