/**
 * The queues page's shell (/settings/queues: admins change, supervisors read): a form per
 * queue with every setting queues/queues.yaml holds (members picked from the agents and
 * routing groups, dropdowns for the strategy and the overflow), and one for a new queue.
 * The page's script (static/queues.js) reads GET /queue-settings and writes through
 * PUT /queues/:name/settings and DELETE /queues/:name.
 */
import { escapeHtml, shell, type PageUser } from './pages.js'

export function queueSettingsPage(user: PageUser, version: string): string {
  const t = (key: string): string => escapeHtml(user.t(key))
  return shell({
    title: user.t('queues.title'),
    user,
    page: 'queueSettings',
    version,
    script: 'queues.js',
    body: `<section class="card">
  <h2>${t('queues.heading')}</h2>
  <p class="muted">${t(user.role === 'admin' ? 'queues.intro' : 'queues.readOnly')}</p>
  <p class="error" id="queues-error" role="alert"></p>
</section>
<div id="queue-forms" data-testid="queue-forms" data-admin="${user.role === 'admin' ? '1' : ''}"><p class="muted">${t('common.loading')}</p></div>`,
  })
}
