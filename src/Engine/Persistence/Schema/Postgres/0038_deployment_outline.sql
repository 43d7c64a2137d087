-- A compact deployment catalogue (issue 15: `egov serve` ready in seconds with 580 definitions). With each stored version:
-- source_hash  SHA-256 of the file's bytes as deployed from disk (with the forms its user tasks name and the engine
--              build that checked it): a restart finds an unchanged file by it and neither parses nor re-serializes it;
-- process_name the process's name, and outline  a small JSON of what lists and checks read without the model (the
--              process's attributes, its form keys, the trust levels of its none start events): the host keeps these
--              and reads the model (bpmn_xml) only when a page asks for it. Null for versions stored before: filled in
--              from the model at the next start that reads them.
ALTER TABLE deployments ADD COLUMN source_hash TEXT;
ALTER TABLE deployments ADD COLUMN process_name TEXT;
ALTER TABLE deployments ADD COLUMN outline TEXT;
