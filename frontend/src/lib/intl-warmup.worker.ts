// Runs once, in a worker, while the login screen shows. ICU's locale data caches belong to the
// process, not to a JS thread: once a worker has built the formatters, the main thread's first
// Intl formatter costs ~0.2 ms instead of 25–60 ms (far more on a busy machine), which was a long
// task in the first render after sign-in.
import { warmFormats } from '@/lib/format';

warmFormats();
postMessage('warm');
