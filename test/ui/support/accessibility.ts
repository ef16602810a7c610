// The accessibility pass: axe-core run inside the page as a person sees it. Serious and critical
// findings fail a test (contrast below 4.5:1, a control without a name, a landmark or ARIA role
// used wrongly); moderate and minor ones are reported by axe's own tooling, not gated here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Evaluated over the DevTools protocol rather than added as a <script>, so the page's
// Content-Security-Policy stays as strict as the api serves it.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[]; readonly failureSummary?: string }[];
}

/** The serious and critical violations on the page as it stands, one line each with where. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if ((await page.evaluate('typeof window.axe')) !== 'object') await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const where = v.nodes
        .slice(0, 3)
        .map(
          (n) =>
            `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1).join(' ').trim()})` : ''}`,
        )
        .join('; ');
      return `${page.url().replace(/^.*#/, '#')} ${v.id} [${v.impact}] ${v.help}: ${v.nodes.length} element(s), e.g. ${where}`;
    });
}

/**
 * What makes the page wider than the screen: the outermost elements reaching past its right
 * edge, each as "tag.class (right edge px)". Empty when nothing scrolls sideways.
 */
export async function sidewaysOverflow(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const past = (el) => el.getBoundingClientRect().right > width + 0.5;
    const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (!past(el) || (el.parentElement && el.parentElement !== document.body && past(el.parentElement))) continue;
      out.push(name(el) + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)');
    }
    return out.length ? out.slice(0, 5) : ['the page (' + document.documentElement.scrollWidth + ' px)'];
  })()`)) as string[];
}
