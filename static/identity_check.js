// While the identity check runs, follow it through the status API (the URL is the
// panel's data-identity-check) and, once it has finished, load the page again so that
// the server shows the new state. Without JavaScript, or once we stop asking, the
// panel offers a link to refresh the page instead.
const panel = document.querySelector('[data-identity-check]')

const POLL_SECONDS = 3
// A check usually takes a minute or two; past this, asking more often helps no one.
const GIVE_UP_SECONDS = 5 * 60
const CHECKING = ['submitted', 'identity_checking']
const PROGRESS = {
  waiting: 'Your photos are waiting to be checked.',
  running: 'We are comparing your photos now.'
}

if (panel && window.fetch) {
  const url = panel.dataset.identityCheck
  const progress = panel.querySelector('[data-progress]')
  const automatic = panel.querySelector('[data-automatic]')
  const refresh = panel.querySelector('[data-refresh]')
  const giveUpAt = Date.now() + GIVE_UP_SECONDS * 1000
  let etag = null

  // The progress paragraph is a live region: only a change is announced.
  const say = (text) => {
    if (progress.textContent !== text) progress.textContent = text
  }

  const stop = (text) => {
    say(text)
    automatic.hidden = true
    refresh.hidden = false
  }

  const ask = async () => {
    const headers = { Accept: 'application/json' }
    if (etag) headers['If-None-Match'] = etag
    try {
      // no-store: the browser's cache must not answer; the ETag makes an unchanged answer a short 304.
      return await fetch(url, { headers, credentials: 'same-origin', cache: 'no-store' })
    } catch (error) {
      return null // the network dropped for a moment: ask again next time
    }
  }

  const poll = async () => {
    const response = await ask()
    if (response && (response.status === 401 || response.status === 403 || response.status === 404)) {
      // Signed out, or the application is gone: a refresh shows what to do.
      stop('This page has stopped updating.')
      return
    }
    if (response && response.status === 200) {
      etag = response.headers.get('ETag')
      const application = await response.json()
      if (!CHECKING.includes(application.state)) {
        say('Your identity check has finished. Loading the result.')
        window.location.reload()
        return
      }
      const check = application.identity_check
      if (check && PROGRESS[check.progress]) say(PROGRESS[check.progress])
    }
    if (Date.now() >= giveUpAt) {
      stop('This is taking longer than usual. This page has stopped updating.')
      return
    }
    setTimeout(poll, POLL_SECONDS * 1000)
  }

  refresh.hidden = true
  automatic.hidden = false
  poll()
}
