// Light or dark: after the system (prefers-color-scheme) unless the person chose one; the choice
// is kept in this browser (localStorage) and applied before the first page is drawn. The button
// cycles system → light → dark and says which is in force.
const KEY = 'aftershock.theme';
const NEXT = { system: 'light', light: 'dark', dark: 'system' };

function stored() {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

function apply(theme, button) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  if (button) {
    button.textContent = `Theme: ${theme}`;
    button.title = 'Switch between the system’s theme, light and dark';
  }
}

export function setUpTheme(button) {
  let theme = stored();
  apply(theme, button);
  button?.addEventListener('click', () => {
    theme = NEXT[theme];
    try {
      if (theme === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, theme);
    } catch {
      // Storage refused (a private window): the choice holds for this page only.
    }
    apply(theme, button);
  });
}
