/**
 * A form for a coach action, built from the JSON Schema the API serves for it (`GET /api/acties`,
 * derived from `commandSchemas`), so the fields are exactly what the API validates: no field list
 * is written down here. The choices of enum and yes/no fields are narrowed to what the rules accept
 * now (`GET /api/inburgeraars/:id/mogelijke-acties`). Reading the form back follows the same schema.
 *
 * Field types: enum → select (or radio buttons for yes/no), `const: true` → a required checkbox,
 * integer/number → number input, format date → date input, long or free text → textarea, an id of
 * a partner → a select of partners, an object → a fieldset, an array of items keyed by an enum (the
 * PIP's modules) → a checkbox per value with the item's other fields beside it.
 */
import type { JsonSchema } from '../../domain/allowed-actions';
import type { ValidationIssue } from './api';
import { h, type Child } from './dom';
import { label, VELDEN, WAARDEN } from './labels';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface FormContext {
  /** Unique prefix for element ids. */
  id: string;
  choices: Record<string, Json[]>;
  partners: { id: string; name: string }[];
  today: string;
}

const typeOf = (s: JsonSchema): string | undefined =>
  Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;

const isFreeText = (s: JsonSchema): boolean => /free text/i.test(s.description ?? '');
const isPartnerId = (key: string): boolean => /partnerid$/i.test(key);
const fieldLabel = (key: string, s: JsonSchema): string =>
  VELDEN[key] ?? s.title ?? s.description?.replace(/ \(YYYY-MM-DD\)$/, '') ?? key;
const elementId = (ctx: FormContext, path: string) => `${ctx.id}-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The fields of an action's form (without the form element and its buttons). */
export function formFields(schema: JsonSchema, ctx: FormContext): Node[] {
  return objectFields(schema, '', true, ctx);
}

function objectFields(s: JsonSchema, prefix: string, required: boolean, ctx: FormContext): Node[] {
  const requiredKeys = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {})
    .filter(([key]) => key !== 'actorId') // set by the API from the signed-in user
    .map(([key, field]) => fieldFor(key, prefix + key, field, required && requiredKeys.has(key), ctx));
}

function wrap(id: string, text: string, control: Node, required: boolean, hint?: string): HTMLElement {
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId && control instanceof HTMLElement) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { className: 'field' },
    h('label', { for: id }, text, required ? '' : h('span', { className: 'optional' }, ' (niet verplicht)')),
    hint ? h('p', { className: 'hint', id: hintId }, hint) : null,
    control,
    h('p', { className: 'field-error', id: `${id}-fout`, hidden: true }),
  );
}

function fieldFor(key: string, path: string, s: JsonSchema, required: boolean, ctx: FormContext): Node {
  const id = elementId(ctx, path);
  const text = fieldLabel(key, s);
  const common = { id, name: path, 'data-path': path, required };
  if (s.const === true)
    return h(
      'div',
      { className: 'field checkbox' },
      h('input', { ...common, type: 'checkbox', value: 'true', required: true }),
      h('label', { for: id }, text),
      h('p', { className: 'field-error', id: `${id}-fout`, hidden: true }),
    );
  if (s.enum) {
    const allowed = ctx.choices[path];
    const values = allowed && allowed.length > 0 ? s.enum.filter((v) => allowed.includes(v)) : s.enum;
    const select = h(
      'select',
      common,
      required ? null : h('option', { value: '' }, '— geen —'),
      values.map((v) => h('option', { value: String(v) }, label(WAARDEN, String(v)))),
    );
    return wrap(id, text, select, required);
  }
  switch (typeOf(s)) {
    case 'boolean': {
      const allowed = ctx.choices[path];
      const values = allowed && allowed.length > 0 ? allowed : [true, false];
      return h(
        'fieldset',
        { className: 'field radios', 'data-path': path, id },
        h('legend', {}, text),
        values.map((v, i) =>
          h(
            'div',
            { className: 'radio' },
            h('input', {
              type: 'radio',
              id: `${id}-${String(v)}`,
              name: path,
              value: String(v),
              required: required && i === 0,
            }),
            h('label', { for: `${id}-${String(v)}` }, label(WAARDEN, String(v))),
          ),
        ),
        h('p', { className: 'field-error', id: `${id}-fout`, hidden: true }),
      );
    }
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : undefined);
      return wrap(
        id,
        text,
        h('input', {
          ...common,
          type: 'number',
          inputmode: typeOf(s) === 'integer' ? 'numeric' : 'decimal',
          step: typeOf(s) === 'integer' ? 1 : 'any',
          min,
          max: s.maximum,
        }),
        required,
      );
    }
    case 'object':
      return h(
        'fieldset',
        { className: 'group', id },
        h('legend', {}, text, required ? '' : h('span', { className: 'optional' }, ' (niet verplicht)')),
        objectFields(s, `${path}.`, required, ctx),
      );
    case 'array':
      return arrayField(key, path, s, required, ctx);
    default:
      break;
  }
  if (s.format === 'date')
    return wrap(
      id,
      text,
      h('input', { ...common, type: 'date', value: required ? ctx.today : undefined }),
      required,
    );
  if (isPartnerId(key))
    return wrap(
      id,
      text,
      h(
        'select',
        common,
        required ? null : h('option', { value: '' }, '— geen —'),
        ctx.partners.map((p) => h('option', { value: p.id }, p.name)),
      ),
      required,
    );
  const free = isFreeText(s);
  const control =
    free || ((s.maxLength as number | undefined) !== undefined && (s.maxLength as number) > 100)
      ? h('textarea', { ...common, rows: 2, maxlength: s.maxLength as number | undefined })
      : h('input', {
          ...common,
          type: 'text',
          maxlength: s.maxLength as number | undefined,
          autocomplete: 'off',
        });
  return wrap(
    id,
    text,
    control,
    required,
    free ? 'Schrijf hier geen namen, BSN of medische gegevens.' : undefined,
  );
}

/** Items keyed by one required enum field (a PIP module): a checkbox per value. */
function enumKey(s: JsonSchema): { key: string; values: Json[]; item: JsonSchema } | undefined {
  const item = s.items;
  if (!item) return undefined;
  if (item.enum) return { key: '', values: item.enum, item };
  const required = item.required ?? [];
  const key = required.length === 1 ? required[0]! : undefined;
  const values = key ? item.properties?.[key]?.enum : undefined;
  return key && values ? { key, values, item } : undefined;
}

function arrayField(key: string, path: string, s: JsonSchema, required: boolean, ctx: FormContext): Node {
  const id = elementId(ctx, path);
  const keyed = enumKey(s);
  if (!keyed)
    return h('p', { className: 'hint' }, `${fieldLabel(key, s)}: dit veld kan nog niet op deze pagina.`);
  const rows: Child[] = keyed.values.map((value) => {
    const itemPath = `${path}.${String(value)}`;
    const boxId = elementId(ctx, itemPath);
    const others = keyed.key
      ? Object.entries(keyed.item.properties ?? {}).filter(([k]) => k !== keyed.key)
      : [];
    return h(
      'div',
      { className: 'array-item' },
      h(
        'div',
        { className: 'checkbox' },
        h('input', { type: 'checkbox', id: boxId, 'data-array': path, value: String(value) }),
        h('label', { for: boxId }, label(WAARDEN, String(value))),
      ),
      others.length
        ? h(
            'div',
            { className: 'array-item-fields' },
            others.map(([k, f]) => fieldFor(k, `${itemPath}.${k}`, f, false, ctx)),
          )
        : null,
    );
  });
  return h(
    'fieldset',
    { className: 'group', id, 'data-path': path },
    h(
      'legend',
      {},
      fieldLabel(key, s),
      required ? '' : h('span', { className: 'optional' }, ' (niet verplicht)'),
    ),
    rows,
    h('p', { className: 'field-error', id: `${id}-fout`, hidden: true }),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading the form back, following the schema
// ---------------------------------------------------------------------------------------------

export function readForm(form: HTMLFormElement, schema: JsonSchema): Record<string, unknown> {
  return readObject(form, schema, '') ?? {};
}

function readObject(
  form: HTMLFormElement,
  s: JsonSchema,
  prefix: string,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(s.properties ?? {})) {
    if (key === 'actorId') continue;
    const value = readValue(form, field, prefix + key);
    if (value !== undefined) out[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function readValue(form: HTMLFormElement, s: JsonSchema, path: string): unknown {
  if (typeOf(s) === 'object' && !s.enum) return readObject(form, s, `${path}.`);
  if (typeOf(s) === 'array') {
    const keyed = enumKey(s);
    if (!keyed) return undefined;
    const checked = [
      ...form.querySelectorAll<HTMLInputElement>(`input[data-array="${CSS.escape(path)}"]:checked`),
    ];
    const items = checked.map((box) => {
      const value = keyed.values.find((v) => String(v) === box.value)!;
      if (!keyed.key) return value;
      const rest = readObject(
        form,
        { ...keyed.item, properties: withoutKey(keyed.item, keyed.key) },
        `${path}.${box.value}.`,
      );
      return { [keyed.key]: value, ...(rest ?? {}) };
    });
    return items.length ? items : undefined;
  }
  const elements = [...form.querySelectorAll<HTMLInputElement>(`[name="${CSS.escape(path)}"]`)];
  const el = elements.find((e) => e.type !== 'radio' || e.checked);
  if (!el || (el.type === 'radio' && !el.checked)) return undefined;
  if (el.type === 'checkbox') return el.checked ? true : undefined;
  const raw = el.value.trim();
  if (raw === '') return undefined;
  if (s.enum) return s.enum.find((v) => String(v) === raw) ?? raw;
  switch (typeOf(s)) {
    case 'boolean':
      return raw === 'true';
    case 'integer':
    case 'number':
      return Number(raw.replace(',', '.'));
    default:
      return raw;
  }
}

const withoutKey = (s: JsonSchema, key: string): Record<string, JsonSchema> =>
  Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => k !== key));

/** Shows the API's field errors (400) at their fields; answers the ones without a field. */
export function showIssues(form: HTMLFormElement, issues: ValidationIssue[]): ValidationIssue[] {
  clearIssues(form);
  const unplaced: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = issue.field.replace(/^body\.?/, '').replace(/\.(\d+)\./g, '.$1.');
    const target = form.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`);
    const error = target ? form.querySelector<HTMLElement>(`#${CSS.escape(target.id)}-fout`) : null;
    if (!target || !error) {
      unplaced.push(issue);
      continue;
    }
    error.textContent = `${issue.reason}`;
    error.hidden = false;
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute(
      'aria-describedby',
      [target.getAttribute('aria-describedby'), error.id].filter(Boolean).join(' '),
    );
  }
  return unplaced;
}

export function clearIssues(form: HTMLFormElement): void {
  for (const e of form.querySelectorAll<HTMLElement>('.field-error')) {
    e.hidden = true;
    e.textContent = '';
  }
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}
