// The receipt's "print / save as PDF" (progressive enhancement: without JavaScript the link opens the print view).
for (const control of document.querySelectorAll('[data-print]')) {
  control.hidden = false;
  control.addEventListener('click', (event) => {
    event.preventDefault();
    window.print();
  });
}
