const KEYS = new Set(['ArrowDown', 'ArrowRight', 'ArrowUp', 'ArrowLeft', 'Home', 'End']);

/**
 * Roving focus for a group of controls (a toolbar, a list of checkboxes): one of the elements
 * matching `selector` is in the Tab order — the last one focused, else the first matching
 * `preferred`, else the first enabled — and the arrow keys, Home and End move between them.
 * Used as a Svelte attachment: `{@attach rovingFocus('button')}`.
 */
export function rovingFocus(selector: string, preferred?: string) {
  return (node: HTMLElement) => {
    let current: HTMLElement | null = null;
    const all = () => [...node.querySelectorAll<HTMLElement>(selector)];
    const enabled = () => all().filter((el) => !el.matches(':disabled'));

    const update = () => {
      const items = enabled();
      if (!current || !items.includes(current)) {
        current = (preferred && items.find((el) => el.matches(preferred))) || items[0] || null;
      }
      for (const el of all()) {
        const tabindex = el === current ? '0' : '-1';
        if (el.getAttribute('tabindex') !== tabindex) el.setAttribute('tabindex', tabindex);
      }
    };

    const onFocusIn = (event: FocusEvent) => {
      const target = event.target as HTMLElement;
      if (target.matches(selector) && node.contains(target)) {
        current = target;
        update();
      }
    };

    const onKeyDown = (event: KeyboardEvent) => {
      if (!KEYS.has(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
      const items = enabled();
      const index = items.indexOf(event.target as HTMLElement);
      if (index < 0) return;
      const last = items.length - 1;
      const next =
        event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? last
            : event.key === 'ArrowDown' || event.key === 'ArrowRight'
              ? Math.min(last, index + 1)
              : Math.max(0, index - 1);
      event.preventDefault();
      items[next].focus();
    };

    const observer = new MutationObserver(update);
    observer.observe(node, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['disabled']
    });
    node.addEventListener('focusin', onFocusIn);
    node.addEventListener('keydown', onKeyDown);
    update();
    return () => {
      observer.disconnect();
      node.removeEventListener('focusin', onFocusIn);
      node.removeEventListener('keydown', onKeyDown);
    };
  };
}
