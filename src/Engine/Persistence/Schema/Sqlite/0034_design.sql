-- Cockpit (issue 11 item 7): a batch operation may give a case its own reason beside the batch's one; the runner writes
-- it into that case's journal entry. Null: the case takes the batch's reason.
ALTER TABLE batch_items ADD COLUMN reason TEXT NULL;

-- KVP analytics (issue 11 item 6): the instant the case's own Frist (egov:frist on the process, or the service's
-- Bearbeitungsfrist) passed — the end of its last day — written when the instance ends, so a case that ended later counts
-- as a missed Frist; null for cases without a running Frist at their end, for running cases and on rows written before.
ALTER TABLE instances ADD COLUMN case_frist_due INTEGER NULL;
