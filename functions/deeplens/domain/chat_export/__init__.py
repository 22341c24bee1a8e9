"""WhatsApp's own chat exports (`Export chat`): reading them (text, dates, system lines, the zip),
naming their senders, finding lines the archive already holds, and turning the rest into envelopes."""
