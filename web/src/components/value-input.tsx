/**
 * An <input> whose type is decided at run time (text, number or password). Preact's own
 * input typing wants the type known at compile time, so the choice is made here, once.
 */
import { createElement, type LooseInputHTMLAttributes } from 'preact';

export function ValueInput(props: LooseInputHTMLAttributes<HTMLInputElement> & { 'data-autofocus'?: boolean }) {
  return createElement('input', props);
}
