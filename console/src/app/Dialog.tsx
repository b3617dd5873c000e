/**
 * A confirmation dialog: the native modal <dialog> (focus moves into it and stays, Escape cancels), named
 * by its heading. Mounted when open.
 */
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface ConfirmDialogProps {
  readonly title: string;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
  readonly confirmDisabled?: boolean;
  readonly danger?: boolean;
  readonly children: ReactNode;
}

function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div className="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={props.danger === false ? 'primary' : 'danger'}
          onClick={props.onConfirm}
          disabled={props.busy === true || props.confirmDisabled === true}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export { ConfirmDialog };
