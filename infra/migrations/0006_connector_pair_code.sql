-- Pairing by phone number: the 8-character link code (ABCD-EFGH) WhatsApp issued for this session,
-- shown while the connector waits for the phone to enter it, and until when it is worth showing.
ALTER TABLE connector_status ADD COLUMN pair_code varchar(9);
ALTER TABLE connector_status ADD COLUMN pair_code_expires_at timestamptz;
