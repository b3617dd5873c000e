/**
 * jsdom has <dialog> without its modal methods: give it the part the console uses (open and close), so
 * component tests see what a browser shows. The real modal behaviour is tested in Chromium (test/e2e).
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal?: () => void };
if (typeof proto.showModal !== 'function') {
  proto.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  proto.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
}

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});
