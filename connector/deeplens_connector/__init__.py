"""The connector: one neonize process per WhatsApp account (built by its own issue)."""
