"""Exporting chats: plain records of the archive and pure renderers (HTML pages, JSON, WhatsApp-style
text), with the names files get inside the export's zip. No I/O: the service streams rows in and
writes what these return into the zip."""
