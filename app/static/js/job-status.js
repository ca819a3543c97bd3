// "Your download is being prepared": ask the server for this page again every few seconds and, while the job runs,
// update only its progress line (read out politely by screen readers); once the file is ready or the job has
// failed, put the new content in place. Without JavaScript the page refreshes itself (a <noscript> meta refresh).

const status = document.querySelector('[data-job-status]')

async function poll () {
  let text
  try {
    const response = await fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
    if (!response.ok) return schedule()
    text = await response.text()
  } catch (error) {
    return schedule()
  }
  const fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-job-status]')
  if (!fresh) return schedule()
  if (fresh.dataset.jobStatus === 'queued' || fresh.dataset.jobStatus === 'running') {
    const line = status.querySelector('#job-progress')
    const freshLine = fresh.querySelector('#job-progress')
    if (line && freshLine && line.textContent !== freshLine.textContent) line.innerHTML = freshLine.innerHTML
    return schedule()
  }
  const title = new DOMParser().parseFromString(text, 'text/html').title
  if (title) document.title = title
  status.replaceWith(fresh)
  const heading = fresh.querySelector('h1, .govuk-panel__title')
  if (heading) {
    heading.setAttribute('tabindex', '-1')
    heading.focus()
  }
}

function schedule () {
  window.setTimeout(poll, Number(status.dataset.refreshSeconds || 3) * 1000)
}

if (status && (status.dataset.jobStatus === 'queued' || status.dataset.jobStatus === 'running')) schedule()
