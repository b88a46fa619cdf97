import { OFFLINE_FAILED, type OfflineFailedMessage } from './offline-failure';

export type OfflineStatus = 'checking' | 'installing' | 'ready' | 'failed' | 'unavailable';

/**
 * The service worker as the person sees it: whether Lathe works offline, why not when it does
 * not, and whether a new version waits. A failed install is never silent: `problem` says why.
 */
class Offline {
  status = $state<OfflineStatus>('checking');
  /** Shown in the status area when offline use is not (or no longer newly) available. */
  problem = $state('');
  /** The first install finished: Lathe now works without the network. */
  justReady = $state(false);
  needRefresh = $state(false);
  private update: ((reload?: boolean) => Promise<void>) | null = null;
  private started = false;
  private reason = '';

  async start() {
    if (this.started) return;
    this.started = true;
    if (!('serviceWorker' in navigator)) {
      this.fail(
        'this browser offers no service worker here (a private window, or a page not served over https or from localhost)'
      );
      return;
    }
    navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as Partial<OfflineFailedMessage> | null;
      if (data?.type === OFFLINE_FAILED && typeof data.reason === 'string') {
        this.reason = data.reason;
        this.fail(data.reason);
      }
    });
    const { registerSW } = await import('virtual:pwa-register');
    this.update = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.needRefresh = true),
      onOfflineReady: () => {
        this.status = 'ready';
        this.justReady = true;
      },
      onRegisteredSW: (_url, registration) => registration && this.watch(registration),
      onRegisterError: (error: unknown) =>
        this.fail(`the service worker could not be registered (${String(error)})`)
    });
  }

  reload() {
    void this.update?.(true);
  }

  private watch(registration: ServiceWorkerRegistration) {
    if (registration.active) this.status = 'ready';
    else if (this.status === 'checking') this.status = 'installing';
    const track = (worker: ServiceWorker | null) => {
      if (!worker) return;
      let installed = worker.state !== 'installing' && worker.state !== 'parsed';
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' || worker.state === 'activated') installed = true;
        // A worker discarded before it finished installing failed to save the offline copy.
        if (worker.state === 'redundant' && !installed) {
          this.fail(this.reason || 'the browser gave up saving the offline copy');
        }
      });
    };
    track(registration.installing);
    registration.addEventListener('updatefound', () => track(registration.installing));
  }

  private fail(reason: string) {
    const working = this.status === 'ready' && Boolean(navigator.serviceWorker?.controller);
    if (working) {
      this.problem = `A new version could not be saved for offline use: ${reason}. The version saved earlier keeps working offline.`;
    } else {
      this.status = navigator.serviceWorker ? 'failed' : 'unavailable';
      this.problem = `Offline is not available: ${reason}. Lathe works while this server can be reached.`;
    }
  }
}

export const offline = new Offline();
