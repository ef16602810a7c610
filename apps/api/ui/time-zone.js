// UTC or local time for every time the UI shows (axes, stamps, the timeline): UTC unless the
// person chose local time; the choice is kept in this browser (format.js reads it). The button
// says which is in force and switches; the page is drawn again in the other zone.
import { setTimeZone, timeZone, zoneName } from './format.js';

function label(button) {
  const local = timeZone() === 'local';
  button.textContent = `Times: ${local ? `local (${zoneName()})` : 'UTC'}`;
  button.title = local ? 'Show times in UTC' : 'Show times in this browser’s time zone';
}

export function setUpTimeZone(button, redraw) {
  if (!button) return;
  label(button);
  button.addEventListener('click', () => {
    setTimeZone(timeZone() === 'utc' ? 'local' : 'utc');
    label(button);
    redraw();
  });
}
