// "Print this statement": print straight away where JavaScript runs; without it the link
// opens the same page with instructions for the browser's Print command.
for (const link of document.querySelectorAll('[data-app-print]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault()
    window.print()
  })
}
