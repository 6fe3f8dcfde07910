/**
 * "Persoonlijke pagina" on a person's page in the workspace: the coach makes a personal link with
 * which the inburgeraar opens their own page (/mijn/<token>) on a phone, in their own language,
 * without an account; sees the links made before (never their tokens) and revokes one.
 *
 * The new link is shown once, in a read-only field to copy: the server keeps only its hash.
 */
import type { CreatedLinkAnswer, PersonalLinkAnswer } from '../../api/routes/persoonlijke-links';
import { del, errorText, get, post } from '../shared/api';
import { h, notice, table } from '../shared/dom';
import { formatDate } from '../shared/labels';

const STATUS: Record<PersonalLinkAnswer['status'], string> = {
  active: 'werkt',
  expired: 'verlopen',
  revoked: 'ingetrokken',
};

export function personalLinkPanel(inburgeraarId: string, name: string): HTMLElement {
  const base = `/api/inburgeraars/${encodeURIComponent(inburgeraarId)}/persoonlijke-links`;
  const created = h('div', { id: 'persoonlijke-link-nieuw', 'aria-live': 'polite' });
  const list = h('div', { id: 'persoonlijke-links' }, h('p', {}, 'Laden…'));
  const button = h('button', { type: 'button', id: 'persoonlijke-link-maken' }, 'Maak een persoonlijke link');

  const showList = async (): Promise<void> => {
    try {
      const links = await get<PersonalLinkAnswer[]>(base);
      list.replaceChildren(
        table(
          'Persoonlijke links',
          ['Gemaakt', 'Werkt tot', 'Status', 'Gebruikt', 'Intrekken'],
          links.map((l) => [
            formatDate(l.createdAt),
            formatDate(l.expiresAt),
            STATUS[l.status],
            l.useCount === 0 ? 'nog niet' : `${l.useCount} keer, laatst ${formatDate(l.lastUsedAt)}`,
            l.status === 'active'
              ? h(
                  'button',
                  {
                    type: 'button',
                    className: 'secondary',
                    'data-link': l.id,
                    'aria-label': `Link van ${formatDate(l.createdAt)} intrekken`,
                  },
                  'Intrekken',
                )
              : '',
          ]),
          { empty: 'Nog geen persoonlijke links.', captionHidden: true },
        ),
      );
      for (const revoke of list.querySelectorAll<HTMLButtonElement>('button[data-link]'))
        revoke.addEventListener('click', () => {
          revoke.disabled = true;
          del(`${base}/${encodeURIComponent(revoke.dataset.link!)}`)
            .then(() => {
              created.replaceChildren(notice('De link is ingetrokken. Hij werkt niet meer.', 'ok'));
              return showList();
            })
            .catch((err: unknown) => {
              revoke.disabled = false;
              created.replaceChildren(notice(errorText(err), 'error'));
            });
        });
    } catch (err) {
      list.replaceChildren(notice(errorText(err), 'error'));
    }
  };

  button.addEventListener('click', () => {
    button.disabled = true;
    post<CreatedLinkAnswer>(base, {})
      .then(async (link) => {
        const field = h('input', {
          id: 'persoonlijke-link-url',
          type: 'text',
          readonly: true,
          value: link.url,
          className: 'link-field',
          'aria-describedby': 'persoonlijke-link-uitleg',
        });
        field.addEventListener('focus', () => field.select());
        const copy = h('button', { type: 'button', className: 'secondary' }, 'Kopiëren');
        copy.addEventListener('click', () => {
          field.select();
          void navigator.clipboard?.writeText(link.url).then(() => (copy.textContent = 'Gekopieerd'));
        });
        created.replaceChildren(
          notice(`Nieuwe link gemaakt. Hij werkt tot ${formatDate(link.expiresAt)}.`, 'ok'),
          h(
            'div',
            { className: 'field' },
            h('label', { for: 'persoonlijke-link-url' }, `Persoonlijke link voor ${name}`),
            field,
            h(
              'p',
              { className: 'hint', id: 'persoonlijke-link-uitleg' },
              'U ziet deze link alleen nu. Kopieer hem en geef hem aan de persoon zelf (bijvoorbeeld in een sms of e-mail). Iedereen met de link ziet de pagina.',
            ),
            h('p', {}, copy),
          ),
        );
        field.focus();
        await showList();
      })
      .catch((err: unknown) => created.replaceChildren(notice(errorText(err), 'error')))
      .finally(() => (button.disabled = false));
  });

  void showList();
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'persoonlijke-pagina' },
    h('h2', { id: 'persoonlijke-pagina' }, 'Persoonlijke pagina'),
    h(
      'p',
      { className: 'hint' },
      `Met een persoonlijke link ziet ${name} op de eigen telefoon waar het traject staat, wat de volgende stap is en welke datums belangrijk zijn. In het Nederlands of in de eigen taal. Zonder account. U kunt de link altijd intrekken.`,
    ),
    h('p', {}, button),
    created,
    list,
  );
}
