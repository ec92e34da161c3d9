// One helper per thing a person does, each through the page as they would: fields found
// by their labels, buttons by their words.
import { PASSWORD } from './server.mjs'

export async function setUp (p, server, { email = 'ada@example.nhs.uk', name = 'Dr Ada Patel' } = {}) {
  const { page } = p
  await page.goto(server.setupLink)
  await p.look('set-up')
  await page.getByLabel('Your practice, department, or your own name').fill('Riverside Surgery')
  await page.getByLabel('Your name').fill(name)
  await page.getByLabel('Your e-mail address').fill(email)
  await page.getByLabel('Choose a password').fill(PASSWORD)
  await press(page, page.getByRole('button', { name: 'Create my account' }))
}

export async function signIn (p, email, password = PASSWORD) {
  const { page } = p
  await page.goto('/sign-in')
  await p.look('sign-in')
  await page.getByLabel('E-mail address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in') || u.search.includes('code')), page.getByRole('button', { name: 'Sign in' }).click()])
}

/** Opens a case from the cases page; returns its path. */
export async function openCase (p, label) {
  const { page } = p
  await page.goto('/cases/new')
  await p.look('new case')
  await page.getByLabel('Name or label for this person').fill(label)
  await Promise.all([page.waitForURL(/\/cases\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Open case' }).click()])
  await p.look('case page')
  return new URL(page.url()).pathname
}

/** Logs a contact on the case's log form; `files` are { name, mimeType, buffer }. */
export async function logContact (p, casePath, { channel = 'Text or WhatsApp message', text, files = [] }) {
  const { page } = p
  await page.goto(`${casePath}/log`)
  await p.look('log form')
  await page.getByLabel('What happened?').fill(text)
  await page.getByLabel(channel, { exact: true }).check()
  await page.getByLabel('Just now, in the last few minutes').check()
  if (files.length) await page.locator('input[type=file]').setInputFiles(files)
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/log') && !u.pathname.endsWith('/entries')), page.getByRole('button', { name: 'Log this contact' }).click()])
}

/**
 * Presses a button that submits a form and waits for the page it leads to. (Waiting for
 * the load state alone returns at once: the page that had the form is loaded already.)
 */
export async function press (page, button) {
  await Promise.all([page.waitForNavigation(), button.click()])
}
