"""One WhatsApp session: the neonize client, state machine, supervisor, watcher, status, commands."""
