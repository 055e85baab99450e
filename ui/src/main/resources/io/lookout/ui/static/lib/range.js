// A time range picker: relative presets and a custom absolute range (UTC), as the URL holds it.
import {h} from './dom.js';
import {PRESETS, fromLocalInput, toLocalInput, toMillis} from './time.js';

export class RangePicker {
  /** onChange() is called when the user picks a preset (custom ranges apply on submit). */
  constructor(onChange) {
    this.select = h('select', {class: 'range', 'aria-label': 'Time range'},
      PRESETS.map(([v, l]) => h('option', {value: v}, l)), h('option', {value: 'custom'}, 'Custom…'));
    this.startInput = h('input', {type: 'datetime-local', step: '1', class: 'range-start', 'aria-label': 'Start (UTC)'});
    this.endInput = h('input', {type: 'datetime-local', step: '1', class: 'range-end', 'aria-label': 'End (UTC)'});
    this.custom = h('span', {class: 'custom-range', hidden: true}, this.startInput, '→', this.endInput,
      h('span', {class: 'muted'}, 'UTC'));
    this.el = h('span', {class: 'range-picker'}, this.select, this.custom);
    this.select.addEventListener('change', () => {
      this.custom.hidden = this.select.value !== 'custom';
      if (this.select.value !== 'custom') onChange();
    });
  }

  /** Shows start/end as the URL has them. */
  set(start, end) {
    const preset = PRESETS.some(([v]) => v === start) && (!end || end === 'now');
    this.select.value = preset ? start : 'custom';
    this.custom.hidden = preset;
    this.startInput.value = toLocalInput(toMillis(start));
    this.endInput.value = !end || end === 'now' ? '' : toLocalInput(toMillis(end));
  }

  /** {start, end} to put in the URL ('now' as end when open). */
  value(fallbackStart) {
    if (this.select.value !== 'custom') return {start: this.select.value, end: 'now'};
    return {start: fromLocalInput(this.startInput.value) || fallbackStart, end: fromLocalInput(this.endInput.value) || 'now'};
  }
}
