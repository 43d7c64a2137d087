-- Hardening (issue 20, item 2): poison jobs. How often a job or start timer was taken without its node coming back with an
-- outcome (the node crashed or was killed while running it, or the job ran past its wall-clock budget). The job executor
-- counts up when it leases, back to 0 when the job ran, and parks a job that reached its limit (incident) instead of
-- taking it again and again.
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE start_timers ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
