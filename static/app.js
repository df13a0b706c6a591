import { initAll } from '/assets/govuk/govuk-frontend.min.js'

initAll()

// Warn before an inactive session ends (the server ends it after
// SESSION_COOKIE_AGE seconds without a request), and offer to keep it.
// Without JavaScript the pages say how long a session lasts instead.
const body = document.body
const sessionSeconds = Number(body.dataset.sessionSeconds)
const dialog = document.getElementById('session-timeout-dialog')

if (sessionSeconds && dialog && dialog.showModal) {
  const warningSeconds = Number(body.dataset.sessionWarningSeconds)
  let warnTimer
  let endTimer

  const schedule = () => {
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    warnTimer = setTimeout(() => dialog.showModal(), (sessionSeconds - warningSeconds) * 1000)
    endTimer = setTimeout(() => { window.location.href = body.dataset.signedOutUrl }, sessionSeconds * 1000)
  }

  const form = dialog.querySelector('form[data-keep-alive]')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    // An ended session answers with a redirect to sign in, which must not count as success.
    const response = await fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin', redirect: 'manual' })
    if (response.status === 204) {
      dialog.close()
      schedule()
    } else {
      window.location.href = body.dataset.signedOutUrl
    }
  })
  schedule()
}
