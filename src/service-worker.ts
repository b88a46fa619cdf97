/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  PrecacheController,
  PrecacheRoute,
  type PrecacheEntry
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import {
  describeInstallFailure,
  OFFLINE_FAILED,
  type OfflineFailedMessage
} from './lib/ui/offline-failure';

const sw = self as unknown as ServiceWorkerGlobalScope;

// The app shell is precached as "/", which every host answers (vite preview, for one, answers
// 404 for /index.html); navigations inside the app are answered with it.
const precache = new PrecacheController();
// workbox-build replaces `self.__WB_MANIFEST`, spelled exactly so, with the precache list.
precache.addToCacheList((self as unknown as { __WB_MANIFEST: PrecacheEntry[] }).__WB_MANIFEST);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    precache.install(event).catch(async (error: unknown) => {
      const message: OfflineFailedMessage = {
        type: OFFLINE_FAILED,
        reason: describeInstallFailure(error)
      };
      const pages = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const page of pages) page.postMessage(message);
      throw error;
    })
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(precache.activate(event));
});

// The update prompt's Reload button asks the waiting worker to take over.
sw.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

cleanupOutdatedCaches();
registerRoute(new PrecacheRoute(precache));
registerRoute(new NavigationRoute(precache.createHandlerBoundToURL('/')));
