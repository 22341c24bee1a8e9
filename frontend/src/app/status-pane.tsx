import { MessageBubble } from '@/features/messages/components/message-bubble';
import { StatusView } from '@/features/status/components/status-view';

/** The chat `status@broadcast` opened: its posts grouped by contact, each drawn as a message. */
export function StatusPane() {
  return (
    <section className="status-pane" aria-label="Status">
      <StatusView renderPost={(post) => <MessageBubble message={post} showSender={false} />} />
    </section>
  );
}
