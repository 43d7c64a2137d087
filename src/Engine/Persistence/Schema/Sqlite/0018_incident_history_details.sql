-- Issue 20 item 8: an incident's history event keeps the technical detail apart from the message written for a clerk or
-- operator (null on rows written before, and when the message itself is the technical text).
ALTER TABLE history_incidents ADD COLUMN details TEXT NULL;
